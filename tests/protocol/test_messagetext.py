"""The message-text reader on its own: a Framer in, the text and its verdict out, no Session."""

from __future__ import annotations

import pytest

from simulator.protocol.framing import MAX_TEXT_LINE, Framer
from simulator.protocol.messagetext import MessageText


def read_all(data: bytes, *, max_size: int = 10_000, accept_bare_lf: bool = False,
             step: int = 0) -> tuple[MessageText, bool]:
    """Feed ``data`` (in pieces of ``step`` octets, or whole) until the text ends."""
    text, framer = MessageText(max_size=max_size, accept_bare_lf=accept_bare_lf), Framer()
    pieces = [data[i:i + step] for i in range(0, len(data), step)] if step else [data]
    for piece in pieces:
        framer.feed(piece)
        while (end := text.read(framer)) is not None:
            if end:
                return text, True
    return text, False


@pytest.mark.parametrize("step", [0, 1, 7])
def test_the_text_ends_at_the_lone_dot_and_is_unstuffed(step: int) -> None:
    text, ended = read_all(b"Subject: x\r\n\r\n..a dot\r\n.\r\n", step=step)
    assert ended and text.refusal() is None
    assert text.content == b"Subject: x\r\n\r\n.a dot\r\n"
    assert text.size == len(text.content)


def test_a_text_without_its_end_is_not_over() -> None:
    text, ended = read_all(b"line one\r\n.more\r\n")
    assert not ended and text.content == b"line one\r\nmore\r\n"


@pytest.mark.parametrize(("data", "key", "limit"), [
    (b"x" * 2000 + b"\r\n.\r\n", "limits.message-too-big", "1500"),
    (b"x" * 1200 + b"\r\n.\r\n", "data.line-too-long", str(MAX_TEXT_LINE)),
    (b"a\nb\r\n.\r\n", "data.bare-lf", ""),
    (b"a\rb\r\n.\r\n", "data.bare-cr", ""),
])
def test_a_lost_message_is_refused_with_the_limit_it_broke(data: bytes, key: str,
                                                           limit: str) -> None:
    text, ended = read_all(data, max_size=1500)
    refusal = text.refusal()
    assert ended and refusal is not None
    assert (refusal.key, refusal.fact("limit")) == (key, limit)
    assert text.kept == 0  # nothing of a lost message is held


def test_a_bare_lf_is_a_line_end_where_the_policy_accepts_it() -> None:
    text, ended = read_all(b"a\nb\r\n.\r\n", accept_bare_lf=True)
    assert ended and text.refusal() is None and text.content == b"a\r\nb\r\n"
