"""An in-process byte stream pair on trio memory channels, for the console's session.

trio.testing has ``memory_stream_pair``, but importing trio.testing imports pytest when it is
installed, which made every console start pay for pytest. This is the small part we need,
keeping the contract of ``trio.abc.Stream`` (the tests run ``trio.testing.check_two_way_stream``
on it): every call is a checkpoint, a second task in the same direction gets
``BusyResourceError``, and a closed end raises ``ClosedResourceError``.
"""

from __future__ import annotations

import operator

import trio

BUFFERED_CHUNKS = 64
"""Chunks in flight each way before ``send_all`` waits for the reader (flow control)."""


class ChannelStream(trio.abc.Stream):
    """One end of an in-memory byte stream: what one side sends, the other receives."""

    def __init__(self, send: trio.MemorySendChannel[bytes],
                 receive: trio.MemoryReceiveChannel[bytes]) -> None:
        self._send = send
        self._receive = receive
        self._pending = b""
        self._closed = False
        self._sending = False
        self._receiving = False

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        self._start("_sending", "sending")
        try:
            if data:
                await self._send.send(bytes(data))
            else:
                await trio.lowlevel.checkpoint()
        finally:
            self._sending = False

    async def wait_send_all_might_not_block(self) -> None:
        self._start("_sending", "sending")
        try:
            await trio.lowlevel.checkpoint()
        finally:
            self._sending = False

    async def receive_some(self, max_bytes: int | None = None) -> bytes:
        """Up to ``max_bytes`` of what the peer sent; b"" once the peer has closed."""
        size = None if max_bytes is None else operator.index(max_bytes)
        if size is not None and size < 1:
            raise ValueError("max_bytes must be at least 1")
        self._start("_receiving", "receiving")
        try:
            if not self._pending:
                try:
                    self._pending = await self._receive.receive()
                except trio.EndOfChannel:
                    await trio.lowlevel.cancel_shielded_checkpoint()  # trio skips it here
                    return b""
            else:
                await trio.lowlevel.checkpoint()
        finally:
            self._receiving = False
        size = len(self._pending) if size is None else size
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk

    async def aclose(self) -> None:
        self._closed = True
        self._send.close()
        self._receive.close()
        await trio.lowlevel.checkpoint()

    def _start(self, flag: str, doing: str) -> None:
        """Check the end is open and no other task is ``doing`` the same; mark it busy."""
        if self._closed:
            raise trio.ClosedResourceError("this end of the stream was closed")
        if getattr(self, flag):
            raise trio.BusyResourceError(f"another task is already {doing} on this stream")
        setattr(self, flag, True)


def stream_pair() -> tuple[ChannelStream, ChannelStream]:
    """Two connected streams, like the two ends of a TCP connection."""
    a_to_b_send, a_to_b_receive = trio.open_memory_channel[bytes](BUFFERED_CHUNKS)
    b_to_a_send, b_to_a_receive = trio.open_memory_channel[bytes](BUFFERED_CHUNKS)
    return ChannelStream(a_to_b_send, b_to_a_receive), ChannelStream(b_to_a_send, a_to_b_receive)
