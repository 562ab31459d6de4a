"""The Tutor a face holds: the lesson's progress after each Exchange the engine produced and
each ``:answer`` the learner typed, on the same roads as tutor.observe and quiz.answer."""

from __future__ import annotations

from simulator.lessons.course import Check, Goal, Tutor
from simulator.lessons.course.model import Quiz
from simulator.protocol import Session
from tests.lessons.course.sample import lesson

LESSON = lesson(Goal("ehlo", Check(verb="EHLO", code=250)),
                Goal("code", Check(), quiz=Quiz(("250",))))


def test_the_tutor_ticks_a_reply_then_takes_the_right_answer() -> None:
    tutor, session = Tutor(LESSON), Session()
    tutor.observe(session.greeting())
    assert tutor.current is not None and tutor.current.id == "ehlo"
    for exchange in session.receive_data(b"EHLO client.example\r\n"):
        progress = tutor.observe(exchange)
    assert progress.ticked == ("ehlo",)
    assert tutor.current is not None and tutor.current.id == "code"
    wrong = tutor.answer("421")
    assert wrong.answered is not None and not wrong.answered.right and not tutor.complete
    right = tutor.answer(" 250 ")
    assert right.met == ("ehlo", "code") and tutor.complete and tutor.current is None


def test_an_answer_before_its_question_counts_for_nothing() -> None:
    tutor = Tutor(LESSON)
    early = tutor.answer("250")
    assert early.met == () and early.answered is not None and early.answered.goal == ""
    assert tutor.progress is early
