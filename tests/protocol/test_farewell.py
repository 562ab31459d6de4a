"""The 221 to QUIT that names a student's progress: still a real 221, only its text says more."""

from __future__ import annotations

from simulator.protocol.farewell import with_progress
from tests.dialogue import GREETED, send, session_after
from tests.replies_reader import wire


def test_the_221_to_quit_names_the_steps_done_and_stays_a_221() -> None:
    [quit_] = send(session_after(*GREETED), "QUIT")
    told = with_progress(quit_, host="mx.example", lesson="first-mail", done=2, total=3)
    assert told.reply.to_bytes() == wire("session.quit-lesson", host="mx.example",
                                         lesson="first-mail", done=2, total=3)
    assert told.reply.to_bytes() == (b"221 2.0.0 mx.example closing connection, goodbye: "
                                     b"lesson first-mail, 2 of 3 steps done\r\n")
    assert (told.reply.code, told.reply.enhanced, told.then) == (221, "2.0.0", quit_.then)
    assert (told.line, told.state_before, told.state_after) == (
        quit_.line, quit_.state_before, quit_.state_after)


def test_no_other_reply_is_ever_changed() -> None:
    session = session_after(*GREETED)
    for exchange in send(session, "NOOP", "MAIL FROM:<a@b.example>", "RSET", "QUT"):
        assert with_progress(exchange, host="h", lesson="x", done=1, total=1) is exchange


def test_a_lesson_id_is_echoed_as_printable_ascii_only() -> None:
    [quit_] = send(session_after(*GREETED), "QUIT")
    told = with_progress(quit_, host="h", lesson="l\x1b[2J\u4e2d", done=0, total=1)
    assert told.reply.to_bytes().isascii() and b"\x1b" not in told.reply.to_bytes()
