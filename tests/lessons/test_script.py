"""The one script reader: the same line read by ``run``, the demo and the course, each
dialect's own meaning for a wrongly written ``:`` line, and streaming reads with a cap."""

from __future__ import annotations

import io

import pytest

from simulator.lessons.script import (
    COURSE,
    DEMO,
    MAX_LINE,
    RUN,
    TEXT,
    Dialect,
    Directive,
    Malformed,
    Narration,
    Problem,
    read_line,
    read_lines,
    seconds,
    split_lines,
)

UNKNOWN, BAD = Problem.UNKNOWN, Problem.BAD_ARGUMENT


@pytest.mark.parametrize(("line", "run", "demo", "course"), [
    ("  # why we greet", Narration("why we greet"), Narration("why we greet"),
     Narration("why we greet")),
    ("EHLO a.example", TEXT, TEXT, TEXT),
    (":eol lf", Directive("eol", "lf"), Directive("eol", "lf"), Directive("eol", "lf")),
    (":eol LF", Directive("eol", "lf"), Directive("eol", "lf"), Malformed("eol", "LF", BAD)),
    (":EOL lf", Directive("eol", "lf"), Malformed("EOL", "lf", UNKNOWN), TEXT),
    (":eol cr", Malformed("eol", "cr", BAD), Malformed("eol", "cr", BAD),
     Malformed("eol", "cr", BAD)),
    (":pause 2.5", Directive("pause", "2.5"), Directive("pause", "2.5"),
     Directive("pause", "2.5")),
    (":pause", Malformed("pause", "", BAD), Directive("pause"), Malformed("pause", "", BAD)),
    (":pause nan", Malformed("pause", "nan", BAD), Malformed("pause", "nan", BAD),
     Malformed("pause", "nan", BAD)),
    (":reconnect now", Malformed("reconnect", "now", BAD), Malformed("reconnect", "now", BAD),
     TEXT),
    (":lang zh", Directive("lang", "zh"), Directive("lang", "zh"), TEXT),
    (":lang xx", Malformed("lang", "xx", BAD), Directive("lang", "xx"), TEXT),
    (":pipeline", Directive("pipeline"), Directive("pipeline"), Directive("pipeline")),
    (":END", Directive("end"), Malformed("END", "", UNKNOWN), TEXT),
    (":end now", Malformed("end", "now", BAD), Malformed("end", "now", BAD),
     Malformed("end", "now", BAD)),
    (":hint", Malformed("hint", "", UNKNOWN), Malformed("hint", "", UNKNOWN), TEXT),
    (":", Malformed("", "", UNKNOWN), Malformed("", "", UNKNOWN), TEXT),
])
def test_one_line_in_each_dialect(line: str, run: object, demo: object, course: object) -> None:
    assert [read_line(line, dialect) for dialect in (RUN, DEMO, COURSE)] == [run, demo, course]


@pytest.mark.parametrize(("line", "run", "demo", "course"), [
    (":-) see you", TEXT, TEXT, TEXT),
    (":pipeline", TEXT, TEXT, TEXT),
    (":eol crlf", Directive("eol", "crlf"), Directive("eol", "crlf"), Directive("eol", "crlf")),
    (":pause soon", TEXT, Malformed("pause", "soon", BAD), Malformed("pause", "soon", BAD)),
    ("# narration even here", Narration("narration even here"),
     Narration("narration even here"), Narration("narration even here")),
])
def test_inside_message_text_only_some_directives_stay(line: str, run: object, demo: object,
                                                      course: object) -> None:
    assert [read_line(line, dialect, in_data=True)
            for dialect in (RUN, DEMO, COURSE)] == [run, demo, course]


def test_a_dialect_is_data() -> None:
    plain = Dialect(takes={}, in_data=frozenset(), unknown_is_text=True)
    assert read_line(":eol lf", plain) is TEXT and read_line("# n", plain) == Narration("n")


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0.0), ("3600", 3600.0), ("1.5", 1.5), ("3601", None), ("-1", None), ("inf", None),
    ("nan", None), ("soon", None), ("", None),
])
def test_seconds(text: str, value: float | None) -> None:
    assert seconds(text) == value


def test_read_lines_streams_and_cuts_an_over_long_line() -> None:
    big = b"x" * (3 * MAX_LINE + 5)
    lines = list(read_lines(io.BytesIO(b"EHLO a\r\n" + big + b"\nNOOP")))
    assert lines == [(b"EHLO a", 0), (b"x" * MAX_LINE, 2 * MAX_LINE + 5), (b"NOOP", 0)]


def test_read_lines_is_lazy() -> None:
    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            buffer[: len(buffer)] = b"N" * (len(buffer) - 1) + b"\n"
            return len(buffer)

    line, dropped = next(read_lines(io.BufferedReader(Endless(), 64)))
    assert line.startswith(b"N") and dropped == 0  # returns: the stream never ends


def test_split_lines_drops_one_trailing_cr_and_the_last_empty_line() -> None:
    assert split_lines(b"EHLO a\r\nDATA\r\r\n\nQUIT\n") == [b"EHLO a", b"DATA\r", b"", b"QUIT"]
