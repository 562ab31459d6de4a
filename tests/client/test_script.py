"""The script format shared by ``run``, piped input and (next) ``demo``/``learn``: narration,
script meta-commands, refused ``:`` lines, streaming reads with a per-line cap."""

from __future__ import annotations

import io

import pytest
import trio

from simulator.client import LocalConnection, Step
from simulator.client.script import (
    MAX_LINE,
    Meta,
    Note,
    Notice,
    Refused,
    Send,
    parse_line,
    play,
    read_lines,
)
from simulator.protocol import Policy
from simulator.server.store import MemoryStore


def _connect() -> LocalConnection:
    return LocalConnection(policy=Policy(), store=MemoryStore())


@pytest.mark.parametrize(("line", "item"), [
    (b"# say hello first", Note("say hello first")),
    (b"  #no space", Note("no space")),
    (b":eol LF", Meta("eol", "lf")),
    (b":pause 1.5", Meta("pause", "1.5")),
    (b":reconnect", Meta("reconnect")),
    (b":lang zh", Meta("lang", "zh")),
    (b":save out.md", Refused(":save out.md", "script.unknown-meta")),
    (b":eol cr", Refused(":eol cr", "script.bad-arg")),
    (b":pause forever", Refused(":pause forever", "script.bad-arg")),
    (b":pause nan", Refused(":pause nan", "script.bad-arg")),
    (b"EHLO a.example", Send(b"EHLO a.example")),
])
def test_each_kind_of_line(line: bytes, item: object) -> None:
    assert parse_line(Send(line), in_data=False) == item


def test_in_data_a_colon_line_is_message_text_unless_a_script_command() -> None:
    assert parse_line(Send(b":-) see you"), in_data=True) == Send(b":-) see you")
    assert parse_line(Send(b":eol crlf"), in_data=True) == Meta("eol", "crlf")


def test_read_lines_streams_and_cuts_an_over_long_line() -> None:
    big = b"x" * (3 * MAX_LINE + 5)
    lines = list(read_lines(io.BytesIO(b"EHLO a\r\n" + big + b"\nNOOP")))
    assert lines == [Send(b"EHLO a"), Send(b"x" * MAX_LINE, 2 * MAX_LINE + 5), Send(b"NOOP")]


def test_read_lines_is_lazy() -> None:
    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            buffer[: len(buffer)] = b"N" * (len(buffer) - 1) + b"\n"
            return len(buffer)

    lines = read_lines(io.BufferedReader(Endless(), 64))
    assert next(lines).line.startswith(b"N")  # returns: the stream never ends


async def test_notes_meta_and_refusals_are_events_not_sends(autojump_clock: object) -> None:
    script = [b"# greet", b"EHLO a.example", b":save x", b":eol lf", b"NOOP", b":eol crlf",
              b":pause 30", b"QUIT", b"NOOP", b":reconnect", b"EHLO b.example"]
    start = trio.current_time()
    events, outcome = await play(script, connect=_connect)
    assert trio.current_time() - start == pytest.approx(30)
    sent = [e.sent for e in events if isinstance(e, Step) and e.sent is not None]
    assert sent == [b"EHLO a.example\r\n", b"NOOP\n", b"QUIT\r\n", b"EHLO b.example\r\n"]
    assert events[1] == Note("greet")
    notices = [e.key for e in events if isinstance(e, Notice)]
    assert notices == ["script.unknown-meta", "console.eol-lf", "console.eol-crlf",
                       "script.pause", "console.reconnected"]
    assert outcome.unsent == 1 and not outcome.in_data


async def test_a_script_that_stops_in_data() -> None:
    _, outcome = await play([b"EHLO a", b"MAIL FROM:<a@b.example>", b"RCPT TO:<c@d.example>",
                             b"DATA", b"hello"], connect=_connect)
    assert outcome.in_data and outcome.unsent == 0
