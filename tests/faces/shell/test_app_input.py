"""The console's input path (app.py): pastes of several lines, empty Enter, history, no
waiting for replies that cannot come, the console's own QUIT, and random keys that must
neither crash it nor put a raw control byte on the screen (rendered with pyte)."""

from __future__ import annotations

import io
from pathlib import Path

import pyte
import pytest
import trio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.data_structures import Size
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from simulator.faces.shell.app import Console
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings
from tests.wording import opening, says

ENTER = "\r"
CTRL_D = "\x04"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


async def drive(keys: str, *, history: InMemoryHistory | None = None,
                ) -> tuple[str, ConsoleContext]:
    out = io.StringIO()
    settings = ConsoleSettings(lang="en")
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(),
                          history=history or InMemoryHistory())
        ctx = console.ctx
        pipe.send_text(keys + CTRL_D)
        assert await console.run() == 0
    return out.getvalue(), ctx


def paste(*lines: str) -> str:
    return PASTE_START + "\n".join(lines) + PASTE_END


async def test_a_pasted_block_goes_out_line_by_line() -> None:
    text, ctx = await drive(paste("EHLO a.example", "MAIL FROM:<a@a.example>",
                                  "RCPT TO:<b@b.example>", "DATA", ""))
    sent = [step.sent for step in ctx.transcript.steps if step.sent is not None]
    assert sent[:4] == [b"EHLO a.example\r\n", b"MAIL FROM:<a@a.example>\r\n",
                        b"RCPT TO:<b@b.example>\r\n", b"DATA\r\n"]
    assert "<-  354 " in text and "<** " not in text


async def test_a_pasted_message_body_ending_in_a_dot_is_accepted() -> None:
    body = paste("EHLO a.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "DATA",
                 "Subject: pasted", "", "Hello.", ".", "")
    text, ctx = await drive(body)
    assert "<-  250 2.0.0 OK: message accepted" in text
    sent = [step.sent for step in ctx.transcript.steps]
    assert sent[5:9] == [b"Subject: pasted\r\n", b"\r\n", b"Hello.\r\n", b".\r\n"]
    assert sum(1 for step in ctx.transcript.steps if step.sent == b"\r\n") == 1  # the blank separator


async def test_a_paste_without_a_final_newline_leaves_the_rest_on_the_prompt() -> None:
    _, ctx = await drive(paste("EHLO a.example", "NO") + "OP" + ENTER)
    sent = [step.sent for step in ctx.transcript.steps if step.sent is not None]
    assert sent[:2] == [b"EHLO a.example\r\n", b"NOOP\r\n"]


async def test_empty_enter_sends_nothing_outside_data_and_is_sent_inside() -> None:
    text, ctx = await drive(ENTER * 3 + "EHLO a.example" + ENTER + ENTER)
    assert [step.sent for step in ctx.transcript.steps][1:] == [b"EHLO a.example\r\n", b"QUIT\r\n"]
    assert "<** 500" not in text
    lines = ["EHLO a", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA",
             "Subject: x", "", "body", "."]
    _, ctx = await drive("".join(line + ENTER for line in lines))
    assert b"\r\n" in [step.sent for step in ctx.transcript.steps]


async def test_message_text_stays_out_of_the_history() -> None:
    history = InMemoryHistory()
    lines = ["EHLO a", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA",
             "Subject: secret", "", "my private text", ".", "NOOP"]
    await drive("".join(line + ENTER for line in lines) + paste("RSET", "HELP", ""),
                history=history)
    assert list(history.get_strings()) == ["EHLO a", "MAIL FROM:<a@b.example>",
                                           "RCPT TO:<c@d.example>", "DATA", "NOOP", "RSET",
                                           "HELP"]


async def test_a_dot_after_a_bare_lf_line_does_not_wait() -> None:
    """No 10 s wait (then "No reply from the server yet") for a reply that cannot come. On
    the real clock: the keys are read by a prompt in a real thread."""
    lines = ["EHLO a", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA", ":eol lf",
             "text", ".", ":eol crlf", "."]
    text, _ = await drive("".join(line + ENTER for line in lines))
    assert not says(text, "console.no-reply")
    assert text.count(" -> .") == 2  # both dots were sent, and the console went on


async def test_ctrl_d_says_the_console_sent_quit() -> None:
    text, _ = await drive("")
    assert says(text, "console.why-ctrl-d")
    assert not says(text, "console.why-quit")


KEYS = st.sampled_from([
    "a", "Z", " ", ":", "<", ">", "@", ".", "中", "👍", "\u202e", "\x01", "\x7f", "\x1b",
    "\x1b[31m", "\x1b[A", "\x1b[B", "\x1b[3~", "\x1b[<0;10;5M", "\x1b[M !!", "\x1b[200~",
    "\x1b[201~", "\t", "\r", "\n", "\x12", "\x0b", "\x15", "\x00", "\x9b", "EHLO ", "DATA\r",
    "MAIL FROM:", "RCPT TO:", ":help\r", ":state\r", ":eol lf\r",
])


def _screen_chars(raw: str) -> list[str]:
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(raw)
    return [char.data for line in screen.buffer.values() for char in line.values()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(KEYS, max_size=30))
def test_random_keys_neither_crash_nor_reach_the_screen_raw(keys: list[str]) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    settings = ConsoleSettings(lang="en")
    with create_pipe_input() as pipe:
        output = Vt100_Output(terminal, lambda: Size(24, 80), enable_cpr=False)
        console = Console(settings, terminal, input=pipe, output=output, history=InMemoryHistory())
        pipe.send_text("".join(keys) + PASTE_END + "\x03" + CTRL_D)
        pipe.close()  # whatever mode the keys left it in, the end of input ends the console
        assert trio.run(console.run) == 0
    shown = terminal.getvalue()
    assert "Unhandled exception" not in shown, shown[-3000:]
    assert opening("app.internal-error") not in shown, shown[-3000:]
    chars = _screen_chars(shown)
    assert not any(ord(c[0]) < 0x20 or 0x7F <= ord(c[0]) < 0xA0 or c == "\u202e"
                   for c in chars if c)
