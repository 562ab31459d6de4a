"""Each message's fate for ``--log``: accepted at the dot, refused there, or lost inside DATA."""

from __future__ import annotations

import pytest

from simulator.protocol import Policy, Session
from simulator.render import classmessages
from simulator.render.classmessages import ClassMessages, MessageNote

ENVELOPE = (b"EHLO a.example\r\n", b"MAIL FROM:<ann@example.org>\r\n",
            b"RCPT TO:<bob@example.net>\r\n", b"RCPT TO:<cy@example.net>\r\n", b"DATA\r\n")


def notes(*chunks: bytes, policy: Policy | None = None) -> tuple[ClassMessages, list[MessageNote]]:
    messages, found = ClassMessages(), []
    session = Session(policy, session_id="S1")
    messages.observe("S1", session.greeting())
    for chunk in chunks:
        for exchange in session.receive_data(chunk):
            if (note := messages.observe("S1", exchange)) is not None:
                found.append(note)
    return messages, found


def test_an_accepted_message_has_its_envelope_subject_size_and_queue_id() -> None:
    _, [note] = notes(*ENVELOPE, b"Subject: hi\r\n  there \x1b[2J\r\n\r\nhello\r\n.\r\n")
    assert (note.status, note.sender, note.recipients, note.reason, note.queue_id) == (
        "accepted", "ann@example.org", ("bob@example.net", "cy@example.net"), None, "S1-1")
    assert note.subject == "hi there \\x1b[2J" and note.size is not None and note.size > 20


def test_a_message_refused_at_the_dot_is_discarded_with_the_reply_key() -> None:
    _, [note] = notes(*ENVELOPE, b"x" * 200 + b"\r\n.\r\n", policy=Policy(max_message_size=100))
    assert (note.status, note.reason, note.queue_id, note.size) == (
        "discarded", "limits.message-too-big", None, 202)
    assert note.recipients == ("bob@example.net", "cy@example.net")


def test_a_hang_up_inside_data_discards_the_message_without_a_reason() -> None:
    messages, found = notes(*ENVELOPE, b"Subject: cut\r\n")
    assert found == []
    note = messages.ended("S1", inside_data=True)
    assert note is not None and (note.status, note.sender, note.reason) == (
        "discarded", "ann@example.org", None)


def test_a_reset_transaction_is_no_message() -> None:
    messages, found = notes(*ENVELOPE[:3], b"RSET\r\n")
    assert found == [] and messages.ended("S1", inside_data=False) is None


def test_sessions_whose_end_never_came_are_let_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classmessages, "FOLLOWED", 1)
    messages, _ = notes(*ENVELOPE)  # S1, inside DATA; its end is lost with the feed full
    messages.observe("S2", Session(session_id="S2").greeting())
    assert messages.ended("S1", inside_data=True) is None
