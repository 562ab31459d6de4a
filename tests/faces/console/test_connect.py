"""``smtp-sim --connect HOST:PORT``: the console against a real SMTP server over TCP,
explained from the reply codes alone (loopback only)."""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import AsyncIterator, Awaitable, Iterator

import pytest
import trio

from simulator.client import explain
from simulator.faces.console.context import ConsoleContext
from simulator.protocol import Policy, State
from simulator.server import serve_tcp
from simulator.server.store import MemoryStore


@pytest.fixture
async def smtp_sim_port(nursery: trio.Nursery) -> AsyncIterator[int]:
    """A classmate's ``smtp-sim serve`` on a free loopback port."""
    port = await nursery.start(lambda task_status: serve_tcp(
        policy=Policy(hostname="classmate.example"), store=MemoryStore(), port=0,
        task_status=task_status))
    yield port


@pytest.fixture
def aiosmtpd_port() -> Iterator[int]:
    """aiosmtpd, a different SMTP server implementation, in its own thread.

    It serves on a socket this fixture binds and keeps listening, so no other process can
    take the port between choosing it and using it.
    """
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class OnSocket(Controller):
        def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
            return self.loop.create_server(self._factory_invoker, sock=listener)

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        controller = OnSocket(Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        try:
            yield port
        finally:
            controller.stop()


TRANSACTION = ["EHLO client.example", "MAIL FROM:<alice@example.org>",
               "RCPT TO:<bob@example.net>", "DATA", "Subject: hi", "", "text", ".", "HELOO",
               "QUIT"]


async def converse(port: int) -> tuple[ConsoleContext, str]:
    out = io.StringIO()
    ctx = ConsoleContext(lang="en", out=out, connect_to=("127.0.0.1", port))
    assert await ctx.open()
    for line in TRANSACTION:
        await ctx.send_line(line)
    await ctx.close()
    return ctx, out.getvalue()


def codes(ctx: ConsoleContext) -> list[list[int]]:
    return [[answer.code for answer in step.answers] for step in ctx.steps]


async def test_against_smtp_sim_serve(smtp_sim_port: int) -> None:
    ctx, text = await converse(smtp_sim_port)
    assert codes(ctx) == [[220], [250], [250], [250], [354], [], [], [], [250], [500], [221]]
    assert f"Connected to 127.0.0.1:{smtp_sim_port}" in text
    assert "<-  250-classmate.example Hello client.example" in text
    assert "<-  221 2.0.0 classmate.example closing connection" in text
    assert "The server closed the connection" in text
    assert ctx.closed
    typo = ctx.steps[9].answers[0]
    assert typo.exchange is None and typo.enhanced == "5.5.2"
    annotation = explain(typo, "en")
    assert annotation is not None and annotation.code == 500 and annotation.key is None


async def test_against_aiosmtpd(aiosmtpd_port: int) -> None:
    ctx, text = await converse(aiosmtpd_port)
    flat = [c for step in codes(ctx) for c in step]
    assert flat[:5] == [220, 250, 250, 250, 354]
    assert flat[-2:] == [500, 221]
    assert "What it usually means:" in text.split("<-  354")[1]
    assert ctx.view().state is State.CLOSED


async def test_toolbar_view_follows_replies(smtp_sim_port: int) -> None:
    out = io.StringIO()
    ctx = ConsoleContext(lang="en", out=out, connect_to=("127.0.0.1", smtp_sim_port))
    assert await ctx.open()
    for line in TRANSACTION[:3]:
        await ctx.send_line(line)
    view = ctx.view()
    assert (view.state, view.sender, view.recipients) == (State.RCPT, "alice@example.org", 1)
    assert ctx.connection is not None and ctx.connection.messages() is None
    await ctx.close()


async def test_nobody_listening_is_reported() -> None:
    # Bound but never listening, and held open for the whole test: the port stays ours and
    # a connection to it is refused.
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        out = io.StringIO()
        ctx = ConsoleContext(lang="en", out=out, connect_to=("127.0.0.1", port))
        assert not await ctx.open()
    assert out.getvalue() == (f"cannot connect to 127.0.0.1:{port}: connection refused "
                              "(is a server running there?)\n")
