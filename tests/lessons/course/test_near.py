"""Near misses on the shipped lessons: a reply with the step's code or key family that does not
count is named with the reason (another reply of the family, not the same command, another
address, a step to do first), and replies of another kind are left alone."""

from __future__ import annotations

import pytest

from simulator.faces.shell.course import replay
from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.course.near import NearMiss

COURSE = load_course(default_course_root())
OPEN = ["EHLO client.example", "MAIL FROM:<carol@example.org>"]


def near(lesson_id: str, *lines: str) -> NearMiss | None:
    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    return replay(lesson, lines).progress.near


def test_a_503_for_another_reason() -> None:
    note = near("order", "RCPT TO:<bob@example.net>")
    assert note == NearMiss("rcpt-first", "key", 503, "sequence.need-helo", "RCPT",
                            "sequence.rcpt-before-mail")


def test_helo_where_the_step_wants_ehlo() -> None:
    note = near("hello", "HELO client.example")
    assert note is not None and (note.goal, note.reason, note.got) == ("ehlo", "key", "HELO")


def test_not_the_same_command_again() -> None:
    note = near("crlf", ":eol lf", "EHLO client.example", ":eol crlf", "HELO client.example")
    assert note == NearMiss("crlf", "same", 250, "session.helo", "HELO", "EHLO")


def test_another_recipient_than_the_greylisted_one() -> None:
    note = near("greylisting", *OPEN, "RCPT TO:<greylist@example.com>", "RCPT TO:<bob@example.com>")
    assert note == NearMiss("retry", "address", 250, "rcpt.accepted", "bob@example.com",
                            "greylist@example.com")


def test_a_step_that_would_count_once_an_earlier_one_is_done() -> None:
    note = near("addresses", "EHLO client.example", "MAIL FROM:<alice@example.org>")
    assert note is not None and (note.goal, note.reason, note.expected) == (
        "right", "after", "no-brackets")


@pytest.mark.parametrize(("lesson_id", "lines"), [
    ("first-mail", ["EHLO client.example"]),
    ("order", ["EHLO client.example", "RCPT TO:<bob@example.net>"]),
    ("first-mail", [*OPEN, "RCPT TO:<bob@example.net>", "DATA", "no header", "."]),
    ("hello", []),
])
def test_no_note_for_a_reply_of_another_kind_a_tick_or_a_message(
        lesson_id: str, lines: list[str]) -> None:
    assert near(lesson_id, *lines) is None
