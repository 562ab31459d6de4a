"""Test helpers: a minimal trio SMTP client over real TCP, an in-process server to hit, and
the ``smtp-sim serve`` process."""

from __future__ import annotations

import math
import os
import select
import smtplib
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import partial

import trio

from simulator.protocol import Policy
from simulator.server import (
    Feed,
    Listening,
    PeerExchange,
    SessionEnd,
    TcpOptions,
    Timeouts,
    Watchers,
    serve_tcp,
)
from simulator.server.store import MemoryStore, Store
from tests.replies_reader import TRANSACTION, ReplyReader

GUARD = 15.0
"""Seconds before a stuck helper process is declared broken (a hang guard, not a timing check)."""


TEXT = b"Subject: hello\r\nFrom: ann@example.org\r\n\r\nHi Bob.\r\n"


def smtplib_send(port: int, count: int = 1) -> list[tuple[int, bytes]]:
    """Send ``count`` messages on one connection with Python's smtplib; the final replies."""
    with smtplib.SMTP("127.0.0.1", port, timeout=GUARD) as client:
        client.ehlo("client.example")
        replies = []
        for _ in range(count):
            client.mail("ann@example.org")
            client.rcpt("bob@example.net")
            replies.append(client.data(TEXT))
        client.quit()
    return replies


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
    feed: trio.MemoryReceiveChannel[PeerExchange | SessionEnd]
    scope: trio.CancelScope


@asynccontextmanager
async def running_server(*, store: Store | None = None, max_clients: int = 200,
                         idle_timeout: float = 300.0, policy: Policy | None = None,
                         max_per_client: int = 0) -> AsyncIterator[RunningServer]:
    """serve_tcp on a free loopback port for the duration of the block."""
    store = MemoryStore() if store is None else store
    send, receive = trio.open_memory_channel[PeerExchange | SessionEnd](math.inf)
    async with trio.open_nursery() as nursery:
        options = TcpOptions(port=0, max_clients=max_clients, timeouts=Timeouts(idle_timeout),
                             max_per_client=max_per_client)
        serve = partial(serve_tcp, policy=policy or Policy(), store=store, options=options,
                        watchers=Watchers(Feed(send)))
        bound: Listening = await nursery.start(serve)
        yield RunningServer(bound.port, store, receive, nursery.cancel_scope)
        nursery.cancel_scope.cancel()


@contextmanager
def serve_process(*options: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Start ``smtp-sim serve --port 0``; yield it and the port from its first line."""
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0",
                             *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = read_line(proc)
        assert first.startswith(b"listening on smtp://127.0.0.1:"), first
        yield proc, int(first.rsplit(b":", 1)[1])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def read_line(proc: subprocess.Popen[bytes]) -> bytes:
    """One line of the process's stdout, without waiting forever for a broken process."""
    assert proc.stdout is not None
    fd, line = proc.stdout.fileno(), b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], GUARD)
        assert ready, f"no output from smtp-sim serve; so far {line!r}"
        byte = os.read(fd, 1)
        if not byte:
            break
        line += byte
    return line
