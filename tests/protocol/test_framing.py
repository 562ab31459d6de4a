"""Framing: bytes -> command lines and message text pieces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.protocol.framing import MAX_TEXT_LINE, Ending, Framer


def lines_of(data: bytes) -> list[tuple[bytes, Ending, int]]:
    framer = Framer()
    framer.feed(data)
    out = []
    while (line := framer.next_command_line()) is not None:
        out.append((line.content, line.ending, line.length))
    return out


def test_crlf_lf_and_cr_endings_are_told_apart() -> None:
    assert lines_of(b"A\r\nB\nC\rD\r\n") == [(b"A", Ending.CRLF, 3), (b"B", Ending.BARE_LF, 2),
                                            (b"C", Ending.BARE_CR, 2), (b"D", Ending.CRLF, 3)]


def test_trailing_cr_waits_for_the_next_byte() -> None:
    framer = Framer()
    framer.feed(b"NOOP\r")
    assert framer.next_command_line() is None
    framer.feed(b"\n")
    line = framer.next_command_line()
    assert line is not None and line.ending is Ending.CRLF


def test_overlong_line_reported_once_with_its_true_length() -> None:
    framer = Framer()
    framer.feed(b"x" * 700)
    assert framer.next_command_line() is None
    framer.feed(b"y" * 300 + b"\r\nNEXT\r\n")
    line = framer.next_command_line()
    assert line is not None and line.too_long and line.length == 1002 and len(line.raw) == 512
    following = framer.next_command_line()
    assert following is not None and following.content == b"NEXT"


@given(st.binary(max_size=3000), st.integers(min_value=1, max_value=64))
def test_text_pieces_rebuild_the_stream_and_stay_bounded(data: bytes, step: int) -> None:
    framer = Framer()
    rebuilt = bytearray()
    for i in range(0, len(data), step):
        framer.feed(data[i:i + step])
        while (piece := framer.next_text_piece()) is not None:
            assert len(piece.content) <= MAX_TEXT_LINE + step
            rebuilt += piece.content + (b"\r\n" if piece.ends_line else b"")
        assert framer.buffered <= MAX_TEXT_LINE + step
    assert bytes(rebuilt) + data[len(data) - framer.buffered:] == data
