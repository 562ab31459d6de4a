"""The class's messages: accepted, refused at the dot, lost inside DATA; bounded. One tracker
for the dashboard's pane and ``--log``'s "message" records (written here by the log's own
:func:`message_record`)."""

from __future__ import annotations

import datetime

import pytest

from simulator.lessons.classmodel import messages as messages_module
from simulator.lessons.classmodel.messages import HUNG_UP, ClassMessages, MessageRecord, subject_of
from simulator.lessons.classmodel.model import ClassModel
from simulator.protocol import Policy, Session, State
from simulator.protocol.events import SessionEnd
from simulator.render.lessonlog import message_record
from tests.lessons.classmodel.test_model import MESSAGE, feed

WHEN = datetime.datetime(2026, 12, 7, 9, 15, 2, tzinfo=datetime.UTC)
ENVELOPE = (b"EHLO a.example\r\n", b"MAIL FROM:<ann@example.org>\r\n",
            b"RCPT TO:<bob@example.net>\r\n", b"RCPT TO:<cy@example.net>\r\n", b"DATA\r\n")


def test_an_accepted_message_is_listed_with_its_envelope_subject_size_and_store() -> None:
    model = ClassModel()
    model.clock = "09:15:02"
    feed(model, "S1", *MESSAGE[:3], b"RCPT TO:<e@f.example>\r\n", *MESSAGE[3:],
         stored="/tmp/mail/new/1")
    [message] = model.messages.messages
    assert (message.number, message.session_id, message.who, message.clock) == (
        1, "S1", "laptop.example", "09:15:02")
    assert (message.sender, message.recipients) == ("a@b.example", ("c@d.example", "e@f.example"))
    assert (message.subject, message.size, message.reason) == ("hi", 22, None)
    assert message.stored == "/tmp/mail/new/1"
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
        "z@z.example", ("y@y.example",), None)


def test_the_list_is_bounded_in_count_and_octets_and_counts_what_it_dropped(
        monkeypatch: object) -> None:
    import pytest

    patch = pytest.MonkeyPatch()
    try:
        patch.setattr(messages_module, "MESSAGE_LIMIT", 3)
        model = ClassModel()
        for number in range(5):
            feed(model, f"S{number}", *MESSAGE)
        assert [m.session_id for m in model.messages.messages] == ["S2", "S3", "S4"]
        assert model.messages.dropped == 2
        patch.setattr(messages_module, "MESSAGE_LIMIT", 100)
        patch.setattr(messages_module, "KEPT_MESSAGE", 1000)
        patch.setattr(messages_module, "MESSAGE_OCTETS", 2500)
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
    assert subject_of(b"To: a\r\n\r\nSubject: no\r\n") is None
    assert subject_of(b"Subject: \x1b[2J\xff\r\n\r\n") == "\x1b[2J\udcff"


def logged(*chunks: bytes, policy: Policy | None = None,
           ) -> tuple[ClassMessages, list[dict[str, object]]]:
    """The "message" records ``serve --log`` writes for one session sending ``chunks``."""
    messages, found = ClassMessages(), []
    session = Session(policy, session_id="S1")
    messages.observe("S1", "p", session.greeting(), "")
    for chunk in chunks:
        for exchange in session.receive_data(chunk):
            if (record := messages.observe("S1", "a.example", exchange, "")) is not None:
                found.append(message_record(WHEN, "p", record))
    return messages, found


def test_an_accepted_message_has_its_envelope_subject_size_and_store_in_the_log() -> None:
    text = b"Subject: hi\r\n  there \x1b[2J\r\n\r\nhello\r\n"
    _, [record] = logged(*ENVELOPE, text + b".\r\n")
    assert (record["status"], record["from"], record["to"], record["reason"]) == (
        "accepted", "ann@example.org", ["bob@example.net", "cy@example.net"], None)
    assert record["subject"] == "hi there \\x1b[2J" and record["size"] == len(text)


def test_a_message_refused_at_the_dot_is_discarded_with_the_reply_key() -> None:
    _, [record] = logged(*ENVELOPE, b"x" * 200 + b"\r\n.\r\n", policy=Policy(max_message_size=100))
    assert (record["status"], record["reason"], record["stored"], record["size"]) == (
        "discarded", "limits.message-too-big", None, 202)
    assert record["to"] == ["bob@example.net", "cy@example.net"]


def test_a_hang_up_inside_data_discards_the_message_without_a_reason() -> None:
    messages, found = logged(*ENVELOPE, b"Subject: cut\r\n")
    assert found == []
    lost = messages.ended("S1", "a.example", True, "")
    assert lost is not None and lost.reason == HUNG_UP
    assert (message_record(WHEN, "p", lost)["status"], message_record(WHEN, "p", lost)["from"],
            message_record(WHEN, "p", lost)["reason"]) == ("discarded", "ann@example.org", None)


def test_a_reset_transaction_is_no_message() -> None:
    messages, found = logged(*ENVELOPE[:3], b"RSET\r\n")
    assert found == [] and messages.ended("S1", "a.example", False, "") is None


def test_a_message_the_server_closed_on_inside_data_is_listed_for_every_view() -> None:
    """The idle timeout inside DATA (421): the log wrote it as discarded, but the dashboard's
    pane forgot it (two trackers of the same events had drifted apart)."""
    model = ClassModel()
    session = feed(model, "S1", *MESSAGE[:4], b"Subject: slow\r\n")
    closing = session.timeout()
    assert closing.state_before is State.DATA
    model.observe("S1", "127.0.0.1:1", closing, 9.0)
    [message] = model.messages.messages
    assert (message.reason, message.code, message.sender) == (
        "session.timeout", 421, "a@b.example")
    assert model.messages.finished == message
    assert message_record(WHEN, "p", message)["reason"] == "session.timeout"
    model.ended(SessionEnd("S1", "127.0.0.1:1", State.CLOSED), 9.0)
    assert len(model.messages.messages) == 1  # not lost a second time


def test_what_the_log_writes_is_what_the_pane_lists() -> None:
    model = ClassModel()
    written: list[MessageRecord] = []
    for number, lines in enumerate([MESSAGE, (*MESSAGE[:4], b"bare\nlf\r\n.\r\n"),
                                    (*MESSAGE[:4], b"half")]):
        session = Session(session_id=f"S{number}")
        for exchange in [session.greeting()] + [e for line in lines
                                                 for e in session.receive_data(line)]:
            model.observe(f"S{number}", "p", exchange, 0.0)
            if model.messages.finished is not None:
                written.append(model.messages.finished)
        model.ended(SessionEnd(f"S{number}", "p", session.state), 0.0)
        if model.messages.finished is not None:
            written.append(model.messages.finished)
    assert written == list(model.messages.messages)
    assert [m.reason for m in written] == [None, "data.bare-lf", HUNG_UP]


def test_sessions_whose_end_never_came_are_let_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages_module, "FOLLOWED", 1)
    messages, _ = logged(*ENVELOPE)  # S1, inside DATA; its end is lost with the feed full
    other = Session(session_id="S2")
    messages.observe("S2", "b", other.greeting(), "")
    for exchange in other.receive_data(b"EHLO b.example\r\nMAIL FROM:<b@b.example>\r\n"):
        messages.observe("S2", "b", exchange, "")
    lost = messages.ended("S1", "a.example", True, "")
    assert lost is not None and (lost.sender, lost.recipients) == ("", ())  # forgotten
