"""The shipped course: every reference solution completes its lesson, every wrong attempt does
not (replayed through the engine), every step has its hints, and ``lessons check`` replays it all."""

from __future__ import annotations

import pytest

from simulator.cli import main
from simulator.lessons.course import default_course_root, load_course, missing_goals, replay

COURSE = load_course(default_course_root())
RUNNABLE = len(COURSE.available)


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_the_reference_solution_completes_the_lesson(lesson: object) -> None:
    from simulator.lessons.course import Lesson

    assert isinstance(lesson, Lesson)
    assert missing_goals(lesson, replay(lesson, lesson.solution.lines).progress) == ()
    for attempt in lesson.wrong:
        assert missing_goals(lesson, replay(lesson, attempt.lines).progress) != ()


def test_every_step_has_three_hints_in_every_language() -> None:
    for lesson in COURSE.lessons:
        for text in lesson.texts.values():
            assert all(len(step.hints) >= 3 for step in text.steps.values())
        assert set(lesson.texts) == {"en", "zh"}


def test_lessons_check_replays_the_course(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lessons", "check"]) == 0
    out = capsys.readouterr().out
    assert f"course: 18 lessons, {RUNNABLE} runnable" in out


