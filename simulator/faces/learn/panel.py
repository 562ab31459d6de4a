"""What a lesson shows: the goal panel, the ticks, hints, the summary, the course list.

All fragments (``(style, text)``), so the interactive lesson prints them through prompt_toolkit
and the piped one as plain or ANSI text. Every sentence comes from the lesson data or from
``lessons/ui.LANG.toml`` (its ``[learn]`` table).
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.lessons.course import Course, Goal, Lesson, Progress, current_goal
from simulator.lessons.course.words import say
from simulator.lessons.ui import text
from simulator.render.wrap import Fragments, char_width

from .listing import list_fragments as list_fragments

DONE = "class:code.2xx"
CURRENT = "class:title"
UNDONE = "class:code.4xx"


def reflow(text: str) -> str:
    """Join a TOML paragraph's lines: with a space in English, directly between Chinese."""
    out = ""
    for line in (part.strip() for part in text.strip().splitlines()):
        if not out:
            out = line
        elif not line:
            out += "\n"
        elif char_width(out[-1]) == 2 or char_width(line[0]) == 2:
            out += line
        else:
            out += " " + line
    return out


def goal_panel(lesson: Lesson, progress: Progress, lang: str) -> Fragments:
    """Title, intro, then every step: ✓ when met, ▸ for the current one."""
    text = lesson.text(lang)
    out: Fragments = [
        ("", "\n"),
        ("class:heading", say("lesson-heading", lang, number=lesson.place, title=text.title)),
        ("", "\n"), ("", reflow(text.intro) + "\n"),
        ("", "\n"), ("class:title", say("steps-heading", lang) + "\n"),
    ]
    current = current_goal(lesson, progress)
    for index, goal in enumerate(lesson.goals, 1):
        step = text.steps[goal.id].goal
        if progress.is_met(goal.id):
            out.append((DONE, f"  ✓ {index}. {step}\n"))
        elif current is not None and goal.id == current.id:
            out.append((CURRENT, f"  ▸ {index}. {step}{say('step-current', lang)}\n"))
            if goal.quiz is not None:
                out.append(("", f"       {reflow(text.steps[goal.id].question)}\n"))
        else:
            out.append(("", f"    {index}. {step}\n"))
    out.append(("", "\n"))
    return out


def question_fragments(lesson: Lesson, goal: Goal, lang: str) -> Fragments:
    """A quiz step's question, and how to answer it."""
    step = lesson.text(lang).steps[goal.id]
    return [("class:title", text("course.question", lang, index=lesson.index(goal.id),
                                 question=reflow(step.question)) + "\n"),
            ("class:dim", text("course.answer-how", lang) + "\n")]


def tick_fragments(lesson: Lesson, progress: Progress, lang: str) -> Fragments:
    """The steps the last observation met (✓) or undid (✗)."""
    text = lesson.text(lang)
    index = {goal.id: number for number, goal in enumerate(lesson.goals, 1)}
    out: Fragments = []
    undone = "undone-text-ahead" if progress.text_ahead else "undone"
    for goal_id in progress.undone:
        out.append((UNDONE, say(undone, lang, index=index[goal_id],
                                goal=text.steps[goal_id].goal) + "\n"))
    for goal_id in progress.ticked:
        out.append((DONE, say("tick", lang, index=index[goal_id],
                              goal=text.steps[goal_id].goal) + "\n"))
    for goal_id in progress.counted:
        needed = lesson.goal(goal_id).count
        out.append(("class:dim", say("counted", lang, index=index[goal_id],
                                     count=progress.count(goal_id), needed=needed) + "\n"))
    return out


def hint_fragments(lesson: Lesson, goal_id: str, level: int, lang: str) -> Fragments:
    hints = lesson.text(lang).steps[goal_id].hints
    level = max(1, min(level, len(hints)))
    return [("class:fix", say("hint", lang, level=level, levels=len(hints),
                              text=hints[level - 1]) + "\n")]


def summary_fragments(lesson: Lesson, progress: Progress, lang: str) -> Fragments:
    """The end of a lesson: what it taught, the codes seen, the hints used."""
    text = lesson.text(lang)
    codes = " ".join(str(code) for code in progress.codes)
    return [
        (DONE, say("complete", lang, number=lesson.place, title=text.title) + "\n"),
        ("class:title", say("learned", lang) + "\n"), ("", reflow(text.summary) + "\n"),
        ("class:dim", say("codes-seen", lang, codes=codes) + "\n"),
        ("class:dim", say("hints-used", lang, count=progress.hints_used) + "\n"),
    ]


def next_fragments(course: Course, lesson: Lesson, lang: str, *, piped: bool,
                   done: Iterable[str] = ()) -> Fragments:
    """What comes after ``lesson``: the next one (Enter starts it); after the last, how to
    leave, and the first lesson not in ``done`` if one is left."""
    upcoming = next_lesson(course, lesson)
    if upcoming is None:
        finished = {*done, lesson.id}
        left = [other for other in course.available if other.id not in finished]
        if left:
            return [("class:title", say("course-left", lang, number=left[0].place,
                                        title=left[0].text(lang).title) + "\n")]
        return [("class:title", say("course-done", lang) + "\n")]
    key = "next-piped" if piped else "next"
    return [("class:title", say(key, lang, number=upcoming.place, id=upcoming.id,
                                title=upcoming.text(lang).title) + "\n")]


def next_lesson(course: Course, lesson: Lesson) -> Lesson | None:
    """The lesson after ``lesson`` in course order (the sequences'), None after the last."""
    order = [other.id for other in course.available]
    if lesson.id not in order:  # not offered here: the next in course order
        return next((other for other in course.available if other.place > lesson.place),
                    None)
    index = order.index(lesson.id) + 1
    return course.available[index] if index < len(order) else None


def missing_fragments(lesson: Lesson, missing: Iterable[str], lang: str) -> Fragments:
    text = lesson.text(lang)
    index = {goal.id: number for number, goal in enumerate(lesson.goals, 1)}
    steps = "; ".join(f"{index[goal_id]}. {text.steps[goal_id].goal}" for goal_id in missing)
    return [(UNDONE, say("incomplete", lang, number=lesson.place, steps=steps) + "\n")]
