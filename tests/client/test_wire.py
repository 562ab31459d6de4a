"""Cutting a real server's byte stream into replies, and following its state from outside."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.client.wire import ClientView, ReplyParser, WireReply
from simulator.protocol import Policy, Session, State

_SESSION = Session(Policy(hostname="mx.example"))
[_EHLO] = _SESSION.receive_data(b"EHLO me\r\n")
[_QUIT] = _SESSION.receive_data(b"QUIT\r\n")
EHLO, QUIT = _EHLO.reply, _QUIT.reply


def replies(data: bytes, chunks: list[int] | None = None) -> list[WireReply]:
    parser = ReplyParser()
    out: list[WireReply] = []
    pieces = [data] if chunks is None else _split(data, chunks)
    for piece in pieces:
        parser.feed(piece)
        while (reply := parser.next_reply()) is not None:
            out.append(reply)
    return out


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def test_multiline_reply_ends_at_the_line_with_a_space() -> None:
    [reply] = replies(EHLO.to_bytes())
    assert reply.code == 250
    assert reply.raw == EHLO.to_bytes()
    assert reply.lines == EHLO.lines
    assert reply.enhanced is None


def test_enhanced_code_is_split_from_the_text() -> None:
    [reply] = replies(QUIT.to_bytes())
    assert (reply.code, reply.enhanced) == (221, "2.0.0")
    assert reply.lines == QUIT.lines


def test_enhanced_code_of_another_class_is_text() -> None:
    [reply] = replies(b"250 5.0.0 odd\r\n")
    assert reply.enhanced is None and reply.lines == ("5.0.0 odd",)


def test_code_alone_and_bare_lf_lines_are_replies() -> None:
    assert [r.code for r in replies(b"250\r\n354 go ahead\n")] == [250, 354]


def test_garbage_is_returned_as_code_zero_not_dropped() -> None:
    [reply] = replies(b"hello there\r\n")
    assert reply.code == 0 and reply.raw == b"hello there\r\n"


def test_a_never_ending_line_is_bounded() -> None:
    parser = ReplyParser()
    parser.feed(b"x" * 100_000)
    reply = parser.next_reply()
    assert reply is not None and reply.code == 0


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=8))
def test_replies_do_not_depend_on_how_bytes_arrive(cuts: list[int]) -> None:
    data = EHLO.to_bytes() + QUIT.to_bytes()
    assert replies(data, cuts) == replies(data)


def test_client_view_follows_a_transaction() -> None:
    view = ClientView()
    steps = [(b"EHLO me\r\n", 250, State.GREETED), (b"MAIL FROM:<a@b.c>\r\n", 250, State.MAIL),
             (b"RCPT TO:<d@e.f>\r\n", 250, State.RCPT), (b"RCPT TO:<x@e.f>\r\n", 550, State.RCPT),
             (b"DATA\r\n", 354, State.DATA)]
    view.received(220)
    for line, code, state in steps:
        assert view.expects_reply(line)
        view.sent(line)
        view.received(code)
        assert view.state is state
    assert (view.sender, view.recipients) == ("a@b.c", 1)
    assert not view.expects_reply(b"Subject: hi\r\n")
    view.sent(b"Subject: hi\r\n")
    assert view.expects_reply(b".\r\n")
    view.sent(b".\r\n")
    view.received(250)
    assert (view.state, view.accepted, view.recipients) == (State.GREETED, 1, 0)
    view.sent(b"QUIT\r\n")
    view.received(221)
    assert view.state is State.CLOSED and not view.expects_reply(b"NOOP\r\n")


def test_client_view_failed_commands_do_not_move() -> None:
    view = ClientView()
    view.received(220)
    view.sent(b"MAIL FROM:<a@b.c>\r\n")
    view.received(503)
    assert view.state is State.CONNECTED and view.sender is None
    view.sent(b"NOOP\r\n")
    view.received(421)
    assert view.state is State.CLOSED
