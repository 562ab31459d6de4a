"""The console over ``--connect`` when the server is not there or does not answer, and
lines typed ahead while a reply is awaited, driven through prompt_toolkit's pipe input on a
real clock with small numbers (never a virtual clock against the prompt's thread)."""

from __future__ import annotations

import io
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import trio
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from simulator.faces.shell.app import Console
from simulator.faces.shell.link import ConsoleSettings
from simulator.lessons.ui import text as ui_text
from tests.wording import opening, says

ENTER = "\r"
PATIENCE = 15.0
"""Seconds a test waits for what it expects before it gives up (closing the input)."""


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))


class Learner:
    """Types into a console and waits, on the real clock, for what it shows."""

    def __init__(self, pipe: PipeInput, out: io.StringIO) -> None:
        self.pipe, self.out = pipe, out

    async def until(self, done: Callable[[], bool], what: str) -> None:
        with trio.move_on_after(PATIENCE):
            while not done():
                await trio.sleep(0.01)
            return
        self.pipe.close()  # the console's prompt ends (EOF): the test fails, it never hangs
        raise AssertionError(f"never saw {what}; the console showed:\n{self.out.getvalue()}")

    async def sees(self, text: str) -> None:
        await self.until(lambda: text in self.out.getvalue(), repr(text))


async def run_console(settings: ConsoleSettings, out: io.StringIO,
                      script: Callable[[Console, Learner], Awaitable[None]]) -> int:
    """Run a console started with ``settings`` while ``script(console, learner)`` types
    into it."""
    status: list[int] = []
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(), history=InMemoryHistory())
        learner = Learner(pipe, out)

        async def _console() -> None:
            status.append(await console.run())

        async with trio.open_nursery() as nursery:
            nursery.start_soon(_console)
            await script(console, learner)
            await learner.until(lambda: bool(status), "the console leave")
    return status[0]


def refused_port() -> socket.socket:
    """A port bound but not listening (kept open, so no one else takes it): refused."""
    bound = socket.socket()
    bound.bind(("127.0.0.1", 0))
    return bound


async def test_nobody_listening_is_said_and_the_prompt_stays_usable() -> None:
    with refused_port() as bound:
        port = bound.getsockname()[1]
        out = io.StringIO()
        settings = ConsoleSettings(lang="en", connect_to=("127.0.0.1", port))

        async def script(console: Console, learner: Learner) -> None:
            await learner.sees(ui_text("connect.refused", "en"))
            learner.pipe.send_text("EHLO me.example" + ENTER)
            await learner.sees(ui_text("console.not-connected", "en", peer=f"127.0.0.1:{port}"))
            # now something listens there: :reconnect tries again, and gets the greeting
            bound.listen()
            listener = trio.socket.from_stdlib_socket(bound)
            async with trio.open_nursery() as nursery:
                nursery.start_soon(_greet_once, listener)
                learner.pipe.send_text(":reconnect" + ENTER)
                await learner.sees("220 here.example")
                learner.pipe.send_text(":quit" + ENTER)  # QUIT ends the greeter's connection

        status = await run_console(settings, out, script)
    shown = out.getvalue()
    assert status == 0
    assert shown.startswith(ui_text("connect.cannot", "en", peer=f"127.0.0.1:{port}",
                                    reason=ui_text("connect.refused", "en")) + "\n")
    assert ui_text("console.connect-again", "en") in shown
    assert "EHLO me.example" in shown and " -> EHLO" not in shown  # echoed, never sent
    assert ui_text("console.connected-to", "en", peer=f"127.0.0.1:{port}") in shown
    assert ui_text("console.reconnected", "en") in shown
    assert "Traceback" not in shown


async def _greet_once(listener: trio.socket.SocketType) -> None:
    conn, _ = await listener.accept()
    with conn:
        await conn.send(b"220 here.example ESMTP\r\n")
        received = b""
        while b"QUIT" not in received:
            received += await conn.recv(4096)
        await conn.send(b"221 2.0.0 Bye\r\n")


async def test_nobody_listening_is_said_in_chinese_and_quit_leaves() -> None:
    with refused_port() as bound:
        port = bound.getsockname()[1]
        out = io.StringIO()
        settings = ConsoleSettings(lang="zh", connect_to=("127.0.0.1", port))

        async def script(console: Console, learner: Learner) -> None:
            await learner.sees(ui_text("connect.refused", "zh"))
            learner.pipe.send_text("NOOP" + ENTER)
            await learner.sees(ui_text("console.not-connected", "zh", peer=f"127.0.0.1:{port}"))
            learner.pipe.send_text(":quit" + ENTER)

        assert await run_console(settings, out, script) == 0
    assert says(out.getvalue(), "connect.cannot", "zh", peer=f"127.0.0.1:{port}")


@pytest.fixture
async def mute_port(nursery: trio.Nursery) -> AsyncIterator[int]:
    """A listener that accepts and never says anything."""
    async def mute(stream: trio.SocketStream) -> None:
        await trio.sleep_forever()

    listeners = await nursery.start(trio.serve_tcp, mute, 0)
    yield listeners[0].socket.getsockname()[1]


async def test_a_server_that_never_greets_times_out_and_the_toolbar_said_connecting(
        mute_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.client.connection.CONNECT_WAIT", 0.5)
    out = io.StringIO()
    settings = ConsoleSettings(lang="en", connect_to=("127.0.0.1", mute_port))
    bars: list[str] = []

    async def script(console: Console, learner: Learner) -> None:
        await learner.until(lambda: console.waiter.waiting, "the waiting prompt")
        bars.append("".join(text for _, text in console.toolbar()))
        await learner.sees(opening("connect.no-greeting"))
        bars.append("".join(text for _, text in console.toolbar()))
        learner.pipe.send_text(":quit" + ENTER)

    assert await run_console(settings, out, script) == 0
    closed = ui_text("bar.closed", "en")
    assert ui_text("bar.connecting", "en", peer=f"127.0.0.1:{mute_port}") in bars[0]
    assert closed not in bars[0] and closed in bars[1]
    no_greeting = ui_text("connect.no-greeting", "en", seconds=0.5)
    assert ui_text("connect.cannot", "en", peer=f"127.0.0.1:{mute_port}",
                   reason=no_greeting) in out.getvalue()


async def test_ctrl_c_while_connecting_stops_trying_and_the_console_goes_on(
        mute_port: int) -> None:
    out = io.StringIO()
    settings = ConsoleSettings(lang="en", connect_to=("127.0.0.1", mute_port))
    consoles: list[Console] = []

    async def script(console: Console, learner: Learner) -> None:
        consoles.append(console)
        await learner.until(lambda: console.waiter.waiting, "the waiting prompt")
        learner.pipe.send_text("\x03")
        await learner.sees(ui_text("console.stopped-connecting", "en") + "\n"
                           + ui_text("console.connect-again", "en"))
        learner.pipe.send_text("NOOP" + ENTER)
        await learner.sees(opening("console.not-connected"))
        learner.pipe.send_text(":quit" + ENTER)

    assert await run_console(settings, out, script) == 0
    assert consoles[0].ctx.link.connection is None


class SlowServer:
    """A real SMTP-speaking TCP server that answers each line after a pause, so lines
    are typed while the console waits; it keeps every line it received, as received."""

    PAUSE = 0.3

    def __init__(self) -> None:
        self.lines: list[bytes] = []

    async def __call__(self, stream: trio.SocketStream) -> None:
        await stream.send_all(b"220 slow.example ESMTP\r\n")
        buffer = b""
        while chunk := await stream.receive_some(4096):
            buffer += chunk
            while b"\r\n" in buffer:
                line, buffer = buffer.split(b"\r\n", 1)
                self.lines.append(line)
                await trio.sleep(self.PAUSE)
                if line.upper() == b"QUIT":
                    await stream.send_all(b"221 2.0.0 Bye\r\n")
                    return
                await stream.send_all(b"250 2.0.0 Ok\r\n")


async def test_lines_typed_while_waiting_are_sent_one_by_one_in_order(
        nursery: trio.Nursery) -> None:
    server = SlowServer()
    listeners = await nursery.start(trio.serve_tcp, server, 0)
    port = listeners[0].socket.getsockname()[1]
    out = io.StringIO()
    settings = ConsoleSettings(lang="en", connect_to=("127.0.0.1", port))

    async def script(console: Console, learner: Learner) -> None:
        await learner.sees("220 slow.example")
        learner.pipe.send_text("EHLO me.example" + ENTER)
        await learner.until(lambda: console.waiter.waiting, "the waiting prompt")
        learner.pipe.send_text("NOOP" + ENTER + "RSET" + ENTER + "NO")
        await trio.sleep(0.05)
        learner.pipe.send_text("OP" + ENTER + ":quit" + ENTER)

    assert await run_console(settings, out, script) == 0
    assert server.lines == [b"EHLO me.example", b"NOOP", b"RSET", b"NOOP", b"QUIT"]
    shown = out.getvalue()
    sent = [line for line in shown.splitlines() if line.startswith(" -> ")]
    assert sent == [" -> EHLO me.example", " -> NOOP", " -> RSET", " -> NOOP", " -> QUIT"]
    assert shown.count("250 2.0.0 Ok") == 4


async def test_a_pasted_block_while_waiting_is_sent_line_by_line(nursery: trio.Nursery) -> None:
    server = SlowServer()
    listeners = await nursery.start(trio.serve_tcp, server, 0)
    port = listeners[0].socket.getsockname()[1]
    out = io.StringIO()
    settings = ConsoleSettings(lang="en", connect_to=("127.0.0.1", port))

    async def script(console: Console, learner: Learner) -> None:
        await learner.sees("220 slow.example")
        learner.pipe.send_text("EHLO me.example" + ENTER)
        await learner.until(lambda: console.waiter.waiting, "the waiting prompt")
        learner.pipe.send_text("\x1b[200~NOOP\nRSET\nNO\x1b[201~")
        await learner.sees(" -> RSET")
        learner.pipe.send_text("OP" + ENTER + ":quit" + ENTER)

    assert await run_console(settings, out, script) == 0
    assert server.lines == [b"EHLO me.example", b"NOOP", b"RSET", b"NOOP", b"QUIT"]
