"""The lesson panels: the course list, the goal panel, hints one level at a time, the summary
and what comes next."""

from __future__ import annotations

import pytest

from simulator.faces.learn.panel import list_fragments
from simulator.lessons.ui import text as ui_text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_list_marks_done_and_current(lang: str) -> None:
    from simulator.lessons.course import default_course_root, load_course
    from simulator.render.fragments import to_plain

    course = load_course(default_course_root())
    first, second = course.lessons[:2]  # whichever lessons the course begins with
    text = to_plain(list_fragments(course, [first.id], second.id, lang))
    lines = text.splitlines()  # the heading, a blank line, the first sequence and its summary
    assert lines[4].startswith(f"  ✓  1  {first.id}")
    assert lines[5].startswith(f"  ▸  2  {second.id}")


def _two_step_lesson() -> tuple[object, object]:
    from simulator.lessons.course import Check, Goal, Progress, observe
    from simulator.protocol import Session
    from tests.lessons.course.sample import lesson

    target = lesson(Goal("ehlo", Check(verb="EHLO", code=250)),
                    Goal("noop", Check(verb="NOOP", code=250), after=("ehlo",)))
    session = Session()
    progress = observe(target, Progress(), session.greeting())
    for exchange in session.receive_data(b"EHLO c.example\r\n"):
        progress = observe(target, progress, exchange)
    return target, progress


def test_the_goal_panel_ticks_what_is_met_and_points_at_the_next_step() -> None:
    from simulator.faces.learn.panel import goal_panel, tick_fragments
    from simulator.render.fragments import to_plain

    target, progress = _two_step_lesson()
    shown = to_plain(goal_panel(target, progress, "en"))  # type: ignore[arg-type]
    assert "  ✓ 1. goal ehlo\n" in shown and "  ▸ 2. goal noop (now)\n" in shown
    assert to_plain(tick_fragments(target, progress, "en")) == (  # type: ignore[arg-type]
        ui_text("learn.tick", "en", index=1, goal="goal ehlo") + "\n")


def test_a_hint_level_is_kept_within_the_hints_there_are() -> None:
    from simulator.faces.learn.panel import hint_fragments
    from simulator.render.fragments import to_plain

    target, _ = _two_step_lesson()
    first = to_plain(hint_fragments(target, "noop", 0, "en"))  # type: ignore[arg-type]
    last = to_plain(hint_fragments(target, "noop", 9, "en"))  # type: ignore[arg-type]
    assert "nudge" in first and "line" in last and "pointer" not in first + last
