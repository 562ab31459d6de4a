"""The tutor's words around a step: the near-miss sentence and the hint that fits what the
learner just did. Every sentence is data: ``[near-miss]`` in ``lessons/ui.LANG.toml`` and the
steps' ``react`` tables in the lesson files."""

from __future__ import annotations

from ..ui import text
from .model import Lesson
from .near import NearMiss
from .tutor import Progress


def near_note(lesson: Lesson, near: NearMiss, lang: str) -> str:
    """One sentence: why the last reply did not count for ``near.goal``, and what would."""
    steps = lesson.text(lang).steps
    fields: dict[str, object] = {
        "code": near.code, "got_key": near.key, "got": near.got,
        "index": lesson.index(near.goal), "goal": steps[near.goal].goal,
        "expected": _expected(lesson, near, lang),
    }
    if near.reason == "after":
        fields |= {"before": lesson.index(near.expected),
                   "before_goal": steps[near.expected].goal}
    return text(f"near-miss.{near.reason}", lang, **fields)


def _expected(lesson: Lesson, near: NearMiss, lang: str) -> str:
    if near.reason != "address":
        return near.expected
    if near.expected.startswith("class:"):
        return text(f"near-miss.class-{near.expected.removeprefix('class:')}", lang)
    goal = lesson.goal(near.goal)
    step = goal.check.address.step if goal.check.address else None
    if step is None:
        return near.expected
    return text("near-miss.address-step", lang, address=near.expected,
                step=lesson.index(step))


def reaction(lesson: Lesson, goal_id: str, progress: Progress, lang: str) -> str | None:
    """The step's hint for the reply the learner last got (LOGIN or PLAIN, HELO or EHLO)."""
    react = lesson.text(lang).steps[goal_id].react.get(progress.last_key)
    return text("near-miss.hint-react", lang, text=react) if react else None
