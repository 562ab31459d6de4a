"""An in-process byte stream pair on trio memory channels, for the console's session.

trio.testing has ``memory_stream_pair``, but importing trio.testing imports pytest when it is
installed, which made every console start pay for pytest. This is the small part we need.
"""

from __future__ import annotations

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

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        if data:
            await self._send.send(bytes(data))
        else:
            await trio.lowlevel.checkpoint()

    async def wait_send_all_might_not_block(self) -> None:
        await trio.lowlevel.checkpoint()

    async def receive_some(self, max_bytes: int | None = None) -> bytes:
        """Up to ``max_bytes`` of what the peer sent; b"" once the peer has closed."""
        if not self._pending:
            try:
                self._pending = await self._receive.receive()
            except trio.EndOfChannel:
                return b""
        else:
            await trio.lowlevel.checkpoint()
        size = len(self._pending) if max_bytes is None else max_bytes
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk

    async def aclose(self) -> None:
        self._send.close()
        self._receive.close()
        await trio.lowlevel.checkpoint()


def stream_pair() -> tuple[ChannelStream, ChannelStream]:
    """Two connected streams, like the two ends of a TCP connection."""
    a_to_b_send, a_to_b_receive = trio.open_memory_channel[bytes](BUFFERED_CHUNKS)
    b_to_a_send, b_to_a_receive = trio.open_memory_channel[bytes](BUFFERED_CHUNKS)
    return ChannelStream(a_to_b_send, b_to_a_receive), ChannelStream(b_to_a_send, a_to_b_receive)
