"""The stream a conversation runs on: a trio stream that can also send a reply whose caller
receives next (:meth:`Wire.send_then_receive`).

The server's own TCP connection (:class:`~simulator.server.tcp.SocketConnection`) is a Wire
that makes that send cheaper; any other trio stream is wrapped in :class:`AnyStream`, whose
send is its plain ``send_all``. Which one a conversation gets is decided by who made the
stream, never by looking at its type.
"""

from __future__ import annotations

import trio


class Wire(trio.abc.HalfCloseableStream):
    """A half-closeable trio stream with :meth:`send_then_receive`."""

    __slots__ = ()  # each connection has its own: no __dict__ in any (trio's bases have none)

    async def send_then_receive(self, data: bytes | bytearray | memoryview) -> None:
        """``send_all`` for a caller whose next call on this stream is ``receive_some``
        (a stream may then leave its yield to that receive); by default ``send_all``."""
        await self.send_all(data)

    async def aclose_now(self) -> None:
        """Close at once, even in a cancelled scope (``trio.aclose_forcefully``, by default;
        a stream whose ``aclose`` never waits closes without that function's cancelled scope,
        whose Cancelled is an exception raised and caught per connection)."""
        await trio.aclose_forcefully(self)


class AnyStream(Wire):
    """Any trio stream as a Wire. ``send_eof`` half-closes a stream that can; on one that
    cannot it is only a checkpoint (the close then comes with ``aclose``), as trio's
    ``StapledStream`` does."""

    __slots__ = ("stream",)

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream

    async def receive_some(self, max_bytes: int | None = None) -> bytes | bytearray:
        return await self.stream.receive_some(max_bytes)

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        await self.stream.send_all(data)

    async def wait_send_all_might_not_block(self) -> None:
        await self.stream.wait_send_all_might_not_block()

    async def send_eof(self) -> None:
        if isinstance(self.stream, trio.abc.HalfCloseableStream):  # what it can do, as trio
            await self.stream.send_eof()
        else:
            await trio.lowlevel.checkpoint()

    async def aclose(self) -> None:
        await self.stream.aclose()
