"""``smtp-sim --connect HOST:PORT``: the console against a real SMTP server over TCP,
explained from the reply codes alone (loopback only)."""

from __future__ import annotations

import io
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
import trio

from simulator.console.connection import TcpConnection, explain, parse_peer
from simulator.console.context import ConsoleContext
from simulator.protocol import Policy, State
from simulator.server import serve_tcp
from simulator.store import MemoryStore


@pytest.fixture
async def smtp_sim_port(nursery: trio.Nursery) -> AsyncIterator[int]:
    """A classmate's ``smtp-sim serve`` on a free loopback port."""
    port = await nursery.start(lambda task_status: serve_tcp(
        policy=Policy(hostname="classmate.example"), store=MemoryStore(), port=0,
        task_status=task_status))
    yield port


@pytest.fixture
def aiosmtpd_port() -> Iterator[int]:
    """aiosmtpd, a different SMTP server implementation, in its own thread."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
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
    assert "Why:" in text.split("<-  354")[1]
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = io.StringIO()
    ctx = ConsoleContext(lang="en", out=out, connect_to=("127.0.0.1", port))
    assert not await ctx.open()
    assert f"Could not connect to 127.0.0.1:{port}" in out.getvalue()


async def test_replies_in_pieces_garbage_and_a_silent_close(nursery: trio.Nursery) -> None:
    async def odd_server(stream: trio.SocketStream) -> None:
        await stream.send_all(b"220-first")
        await trio.sleep(0.01)
        await stream.send_all(b" line\r\n220 ready\r\n")
        await stream.receive_some(100)
        await stream.send_all(b"hello \x1b[2Jthere\r\n")
        await stream.receive_some(100)
        await stream.aclose()

    listeners = await nursery.start(
        lambda task_status: trio.serve_tcp(odd_server, 0, host="127.0.0.1",
                                           task_status=task_status))
    port = listeners[0].socket.getsockname()[1]
    connection = TcpConnection("127.0.0.1", port)
    greeting = await connection.start()
    assert [a.code for a in greeting.answers] == [220]
    assert greeting.answers[0].lines == ("first line", "ready")
    garbage = await connection.send(b"NOOP\r\n")
    assert [a.code for a in garbage.answers] == [0]
    assert explain(garbage.answers[0], "en") is None
    silent = await connection.send(b"NOOP\r\n")
    assert silent.answers == () and connection.closed
    await connection.aclose()


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1:2525", ("127.0.0.1", 2525)), ("localhost", ("localhost", 25)),
    ("[::1]:25", ("::1", 25)), ("[::1]", ("::1", 25)),
])
def test_parse_peer(text: str, expected: tuple[str, int]) -> None:
    assert parse_peer(text) == expected


@pytest.mark.parametrize("text", ["host:port", ":25", "h:0", "h:70000"])
def test_parse_peer_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_peer(text)
