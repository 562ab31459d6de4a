"""The class's messages: accepted, refused at the dot, lost by a hang-up inside DATA; bounded."""

from __future__ import annotations

from simulator.protocol import Policy
from simulator.render import classmail
from simulator.render.classmail import HUNG_UP, subject_of
from simulator.render.classroom import ClassModel, SessionEnd
from tests.render.test_classroom import MESSAGE, feed


def test_an_accepted_message_is_listed_with_its_envelope_subject_size_and_store() -> None:
    model = ClassModel()
    model.clock = "09:15:02"
    feed(model, "S1", *MESSAGE[:3], b"RCPT TO:<e@f.example>\r\n", *MESSAGE[3:])
    model.messages.stored("S1-1", "/tmp/mail/new/1.S1-1")
    [message] = model.messages.messages
    assert (message.number, message.session_id, message.who, message.clock) == (
        1, "S1", "laptop.example", "09:15:02")
    assert (message.sender, message.recipients) == ("a@b.example", ("c@d.example", "e@f.example"))
    assert (message.subject, message.size, message.reason) == ("hi", 22, None)
    assert message.stored == "/tmp/mail/new/1.S1-1"
    assert message.content.endswith(b"Subject: hi\r\n\r\nhello\r\n")


def test_a_message_refused_at_the_dot_is_listed_as_discarded_with_the_reply_key() -> None:
    model = ClassModel()
    feed(model, "S1", *MESSAGE[:4], b"Subject: lf\nbare\r\n.\r\n", b"QUIT\r\n")
    [message] = model.messages.messages
    assert message.reason == "data.bare-lf" and message.code == 550
    assert (message.sender, message.recipients) == ("a@b.example", ("c@d.example",))
    assert message.content == b"" and model.accepted == 0


def test_a_hang_up_inside_data_lists_the_lost_message() -> None:
    model = ClassModel()
    session = feed(model, "S4", *MESSAGE[:4], b"Subject: half\r\n")
    model.ended(SessionEnd("S4", "127.0.0.1:1", session.state), 1.0)
    [message] = model.messages.messages
    assert message.reason == HUNG_UP and message.sender == "a@b.example"
    assert model.discarded == 1 and model.messages.discarded == 1
    done = ClassModel()
    finished = feed(done, "S1", *MESSAGE)
    done.ended(SessionEnd("S1", "127.0.0.1:1", finished.state), 1.0)
    assert [m.reason for m in done.messages.messages] == [None] and done.discarded == 0


def test_rset_forgets_the_envelope_of_the_message_in_progress() -> None:
    model = ClassModel()
    feed(model, "S1", *MESSAGE[:3], b"RSET\r\n", b"MAIL FROM:<z@z.example>\r\n",
         b"RCPT TO:<y@y.example>\r\n", b"DATA\r\n", b"\r\nbody\r\n.\r\n")
    [message] = model.messages.messages
    assert (message.sender, message.recipients, message.subject) == (
        "z@z.example", ("y@y.example",), "")


def test_the_list_is_bounded_in_count_and_octets_and_counts_what_it_dropped(
        monkeypatch: object) -> None:
    import pytest

    patch = pytest.MonkeyPatch()
    try:
        patch.setattr(classmail, "MESSAGE_LIMIT", 3)
        model = ClassModel()
        for number in range(5):
            feed(model, f"S{number}", *MESSAGE)
        assert [m.session_id for m in model.messages.messages] == ["S2", "S3", "S4"]
        assert model.messages.dropped == 2
        patch.setattr(classmail, "MESSAGE_LIMIT", 100)
        patch.setattr(classmail, "KEPT_MESSAGE", 1000)
        patch.setattr(classmail, "MESSAGE_OCTETS", 2500)
        big = ClassModel()
        text = b"Subject: big\r\n\r\n" + b"x" * 70 + b"\r\n"
        for number in range(4):
            feed(big, f"S{number}", *MESSAGE[:4], text * 30 + b".\r\n",
                 policy=Policy(max_message_size=100_000))
        held = big.messages
        assert held.octets <= 2500 and len(held.messages) == 2 and held.dropped == 2
        assert all(m.cut and len(m.content) == 1000 for m in held.messages)
    finally:
        patch.undo()


def test_the_subject_is_unfolded_and_stays_client_text() -> None:
    head = b"Received: x\r\nsubject: one\r\n two\r\nTo: a\r\n\r\nSubject: body\r\n"
    assert subject_of(head) == "one two"
    assert subject_of(b"To: a\r\n\r\nSubject: no\r\n") == ""
    assert subject_of(b"Subject: \x1b[2J\xff\r\n\r\n") == "\x1b[2J\udcff"
