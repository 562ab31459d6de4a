"""Test helper: a minimal trio SMTP client over real TCP, and an in-process server to hit."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

import trio

from simulator.protocol import Policy
from simulator.server import PeerExchange, serve_tcp
from simulator.store import MemoryStore, Store
from tests.replies_reader import ReplyReader

TRANSACTION = (b"EHLO client.example\r\n", b"MAIL FROM:<ann@example.org>\r\n",
               b"RCPT TO:<bob@example.net>\r\n", b"DATA\r\n")


class Client:
    """One TCP connection to the server, reading whole replies."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.reader = ReplyReader(stream)

    @classmethod
    async def connect(cls, port: int) -> Client:
        return cls(await trio.open_tcp_stream("127.0.0.1", port))

    async def reply(self) -> bytes:
        return await self.reader.reply()

    async def command(self, line: bytes) -> bytes:
        await self.stream.send_all(line)
        return await self.reader.reply()

    async def start_message(self) -> None:
        """EHLO, MAIL, RCPT, DATA (the greeting must have been read)."""
        for line in TRANSACTION:
            await self.command(line)

    async def send_message(self, text: bytes) -> bytes:
        """A whole transaction after the greeting; the reply to the final dot."""
        await self.start_message()
        return await self.command(text + b".\r\n")

    async def eof(self) -> bool:
        return await self.reader.eof()

    async def aclose(self) -> None:
        await self.stream.aclose()


@dataclass
class RunningServer:
    port: int
    store: Store
    feed: trio.MemoryReceiveChannel[PeerExchange]
    scope: trio.CancelScope


@asynccontextmanager
async def running_server(*, store: Store | None = None, max_clients: int = 200,
                         idle_timeout: float = 300.0,
                         policy: Policy | None = None) -> AsyncIterator[RunningServer]:
    """serve_tcp on a free loopback port for the duration of the block."""
    store = MemoryStore() if store is None else store
    send, receive = trio.open_memory_channel[PeerExchange](math.inf)
    async with trio.open_nursery() as nursery:
        serve = partial(serve_tcp, policy=policy or Policy(), store=store, port=0,
                        max_clients=max_clients, idle_timeout=idle_timeout, feed=send)
        port = await nursery.start(serve)
        yield RunningServer(port, store, receive, nursery.cancel_scope)
        nursery.cancel_scope.cancel()
