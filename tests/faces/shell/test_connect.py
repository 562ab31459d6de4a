"""``smtp-sim --connect HOST:PORT``: the console against a real SMTP server over TCP,
explained from the reply codes alone (loopback only)."""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
import trio

from simulator.client.connection import explain
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings
from simulator.lessons.ui import text as ui_text
from simulator.protocol import Policy, State
from simulator.server import TcpOptions, serve_tcp
from simulator.server.store import MemoryStore
from tests.wording import says, shows, written


@pytest.fixture
async def smtp_sim_port(nursery: trio.Nursery) -> AsyncIterator[int]:
    """A classmate's ``smtp-sim serve`` on a free loopback port."""
    bound = await nursery.start(lambda task_status: serve_tcp(
        policy=Policy(hostname="classmate.example"), store=MemoryStore(),
        options=TcpOptions(port=0), task_status=task_status))
    yield bound.port


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
    ctx = ConsoleContext(ConsoleSettings(lang="en", connect_to=("127.0.0.1", port)), out)
    assert await ctx.open()
    for line in TRANSACTION:
        await ctx.send_line(line)
    await ctx.close()
    return ctx, out.getvalue()


def codes(ctx: ConsoleContext) -> list[list[int]]:
    return [[answer.code for answer in step.answers] for step in ctx.transcript.steps]


async def test_against_smtp_sim_serve(smtp_sim_port: int) -> None:
    ctx, text = await converse(smtp_sim_port)
    assert codes(ctx) == [[220], [250], [250], [250], [354], [], [], [], [250], [500], [221]]
    assert says(text, "console.connected-to", peer=f"127.0.0.1:{smtp_sim_port}")
    assert "<-  250-classmate.example Hello client.example" in text
    assert "<-  221 2.0.0 classmate.example closing connection" in text
    assert says(text, "console.closed-quit")
    assert ctx.closed
    typo = ctx.transcript.steps[9].answers[0]
    assert typo.exchange is None and typo.enhanced == "5.5.2"
    annotation = explain(typo, "en")
    assert annotation is not None and annotation.code == 500 and annotation.key is None


async def test_against_aiosmtpd(aiosmtpd_port: int) -> None:
    ctx, text = await converse(aiosmtpd_port)
    flat = [c for step in codes(ctx) for c in step]
    assert flat[:5] == [220, 250, 250, 250, 354]
    assert flat[-2:] == [500, 221]
    assert ui_text("explain.usually", "en") in text.split("<-  354")[1]
    assert ctx.view().state is State.CLOSED


async def test_toolbar_view_follows_replies(smtp_sim_port: int) -> None:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", connect_to=("127.0.0.1", smtp_sim_port)), out)
    assert await ctx.open()
    for line in TRANSACTION[:3]:
        await ctx.send_line(line)
    view = ctx.view()
    assert (view.state, view.sender, view.recipients) == (State.RCPT, "alice@example.org", 1)
    assert ctx.link.connection is not None and ctx.link.connection.messages() is None
    await ctx.close()


async def test_nobody_listening_is_reported() -> None:
    # Bound but never listening, and held open for the whole test: the port stays ours and
    # a connection to it is refused.
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        out = io.StringIO()
        ctx = ConsoleContext(ConsoleSettings(lang="en", connect_to=("127.0.0.1", port)), out)
        assert not await ctx.open()
    refused = ui_text("connect.refused", "en")
    assert out.getvalue() == (
        ui_text("connect.cannot", "en", peer=f"127.0.0.1:{port}", reason=refused) + "\n"
        + ui_text("console.connect-again", "en") + "\n")


async def _silent_server(stream: trio.SocketStream) -> None:
    """Greets, then never answers; hangs up when it reads QUIT."""
    await stream.send_all(b"220 silent.example ready\r\n")
    received = b""
    while b"QUIT" not in received:
        chunk = await stream.receive_some(4096)
        if not chunk:
            return
        received += chunk
    await stream.aclose()


@pytest.fixture
async def silent_port(nursery: trio.Nursery) -> AsyncIterator[int]:
    listeners = await nursery.start(trio.serve_tcp, _silent_server, 0)
    yield listeners[0].socket.getsockname()[1]


async def test_ctrl_c_stops_waiting_for_a_silent_server_and_the_console_goes_on(
        silent_port: int) -> None:
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from simulator.faces.shell.app import Console

    out = io.StringIO()
    settings = ConsoleSettings(lang="en", connect_to=("127.0.0.1", silent_port))
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(), history=InMemoryHistory())
        ctx = console.ctx
        assert console.waiter is not None
        async def learner() -> None:
            async def until(done: Callable[[], bool]) -> None:
                while not done():
                    await trio.sleep(0.01)

            await until(lambda: "Connected to" in out.getvalue())
            pipe.send_text("NOOP\r")
            await until(lambda: waiter.waiting)
            pipe.send_text("\x03")  # stops waiting for the reply to NOOP
            await until(lambda: "Stopped waiting" in out.getvalue())
            pipe.send_text(":raw\r:quit\r")  # the server hangs up on QUIT

        waiter = console.waiter
        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(learner)
                status = await console.run()
    shown = out.getvalue()
    assert status == 0
    assert " -> NOOP" in shown
    stopped, raw = ui_text("console.stopped-waiting", "en"), ui_text("console.raw-on", "en")
    assert stopped in shown
    assert not says(shown.split(" -> QUIT")[0], "console.no-reply")
    assert raw in shown  # the console went on after Ctrl-C
    assert [s.stopped for s in ctx.transcript.steps if hasattr(s, "stopped")][:2] == [False, True]
    assert shown.index(" -> NOOP") < shown.index(stopped) < shown.index(raw)


SCRIPTED = {b"EHLO": b"250 other.example\r\n", b"MAIL": b"250 2.1.0 Ok\r\n",
            b"RCPT": b"550 5.1.1 No such user\r\n", b"DATA": b"503 5.5.1 No valid recipients\r\n",
            b"NOOP": b"250 2.0.0 Ok\r\n"}


async def _scripted_server(stream: trio.SocketStream) -> None:
    """Another server: answers each verb with a fixed reply, as a foreign server would."""
    await stream.send_all(b"220 other.example ESMTP\r\n")
    buffer = b""
    while chunk := await stream.receive_some(4096):
        buffer += chunk
        while b"\r\n" in buffer:
            line, buffer = buffer.split(b"\r\n", 1)
            await stream.send_all(SCRIPTED.get(line[:4].upper(), b"500 5.5.2 What?\r\n"))


async def test_a_foreign_reply_is_explained_by_the_command_it_answers(
        nursery: trio.Nursery) -> None:
    listeners = await nursery.start(trio.serve_tcp, _scripted_server, 0)
    port = listeners[0].socket.getsockname()[1]
    for lang in ("en", "zh"):
        # a reply explained by the command it answers: [after.VERB.CODE] of codes.LANG.toml
        sender = written("codes", "after", "MAIL", "250", "why", lang=lang)
        next_step = written("codes", "after", "MAIL", "250", "fix", lang=lang)
        recipient = written("codes", "after", "RCPT", "550", "why", lang=lang)
        refused = written("codes", "after", "DATA", "503", "why", lang=lang)
        out = io.StringIO()
        ctx = ConsoleContext(ConsoleSettings(lang=lang, connect_to=("127.0.0.1", port)), out)
        assert await ctx.open()
        for line in ("EHLO me.example", "MAIL FROM:<a@me.example>", "RCPT TO:<x@other.example>",
                     "DATA", "NOOP"):
            await ctx.send_line(line)
        await ctx.close()
        shown = out.getvalue()
        after_mail = shown.split(" -> MAIL")[1].split(" -> RCPT")[0]
        assert shows(after_mail, sender)
        # explained in full: an earlier 250 (to EHLO) answered another command
        assert shows(after_mail, next_step)
        assert shows(shown.split(" -> RCPT")[1].split(" -> DATA")[0], recipient)
        assert shows(shown.split(" -> DATA")[1], refused)
        # the same 250 code after NOOP is not explained as an accepted sender
        assert not shows(shown.split(" -> NOOP")[1], sender)
