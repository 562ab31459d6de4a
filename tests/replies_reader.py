"""Test helper: read whole SMTP replies from a trio stream, as a client would."""

from __future__ import annotations

import trio

from simulator.protocol import make_reply

HOST = "smtp-sim.localhost"


class ReplyReader:
    """Buffers what the server sent and hands it back one complete reply at a time."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream
        self.buffer = bytearray()

    async def reply(self) -> bytes:
        """The next complete reply (all its lines), or what came before EOF."""
        while True:
            end = _reply_end(self.buffer)
            if end:
                reply = bytes(self.buffer[:end])
                del self.buffer[:end]
                return reply
            data = await self.stream.receive_some(65536)
            if not data:
                rest = bytes(self.buffer)
                self.buffer.clear()
                return rest
            self.buffer += data

    async def eof(self) -> bool:
        """True when the server closed its side with nothing more to say."""
        return not self.buffer and not await self.stream.receive_some(65536)


def _reply_end(buffer: bytearray) -> int:
    """Where the first complete reply in ``buffer`` ends (0 when none is complete yet)."""
    start = 0
    while True:
        newline = buffer.find(b"\r\n", start)
        if newline < 0:
            return 0
        line = buffer[start:newline]
        if len(line) == 3 or (len(line) > 3 and line[3:4] == b" "):
            return newline + 2
        start = newline + 2


TRANSACTION = (b"EHLO client.example\r\n", b"MAIL FROM:<ann@example.org>\r\n",
               b"RCPT TO:<bob@example.net>\r\n", b"DATA\r\n")
"""A message's envelope commands, up to DATA; TEXT then ends the message."""
TEXT = b"Subject: hi\r\n\r\nhello\r\n.\r\n"


async def start_message(client: trio.abc.Stream, reader: ReplyReader) -> None:
    """Read the greeting, then send EHLO, MAIL, RCPT, DATA, each answered."""
    assert await reader.reply() == wire("session.greeting")
    for line in TRANSACTION:
        await client.send_all(line)
        await reader.reply()


def wire(key: str, **fields: object) -> bytes:
    """The catalogue reply ``key`` exactly as it goes on the wire."""
    if key in ("session.greeting", "session.quit", "session.timeout", "session.shutdown",
               "session.too-many-errors", "session.too-many-clients", "session.too-slow",
               "session.too-many-from-client"):
        fields.setdefault("host", HOST)
    return make_reply(key, **fields).to_bytes()
