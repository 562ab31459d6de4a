"""The course linter: each lesson is read, its setup checked, its solutions replayed on the
learner's road (they must complete the lesson) and each wrong attempt too (it must not).
The replay is handed in (a :data:`~.replay.Replayer`): it runs on trio, above this layer;
without one only what needs no server is checked.

``smtp-sim lessons check`` runs it on the shipped course (hooked into ``check_library``) and
``lessons check --course DIR`` on a teacher's own. Every problem names the file and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

from simulator.lessons.annotate import annotate
from simulator.protocol import CATALOGUE, Exchange

from ..load import LANGS
from ..rules import reads_as_chinese, reads_as_english
from .load import load_course
from .model import Course, Lesson
from .quoted import literal_addresses, quoted_codes
from .replay import Replayer
from .scaffold import placeholders
from .script import check_script
from .sequences import membership
from .tutor import missing_goals

_PROSE_CHECK: Final = {"zh": (reads_as_chinese, "has no Chinese text"),
                       "en": (reads_as_english, "is mostly Chinese in the English text")}


def check_course(root: Path, replay: Replayer | None) -> list[str]:
    """Every problem of the course folder ``root``; empty when it is sound."""
    course = load_course(root)
    return [*course.problems, *membership(course.lessons, course.sequences),
            *lint_lessons(course, replay)]


def lint_lessons(course: Course, replay: Replayer | None) -> list[str]:
    problems: list[str] = []
    for lesson in course.lessons:
        problems += _prose(lesson)
        problems += _keys(lesson)
        problems += _scripts(lesson)
        problems += literal_addresses(lesson)
        problems += placeholders(lesson)
        if lesson.available and not problems and replay is not None:
            problems += _replays(lesson, replay)
    return problems


def _prose(lesson: Lesson) -> list[str]:
    out = []
    for lang in LANGS:
        if lang not in _PROSE_CHECK:
            continue
        test, what = _PROSE_CHECK[lang]
        text = lesson.texts[lang]
        fields: Mapping[str, str] = {"title": text.title, "intro": text.intro,
                                     "summary": text.summary}
        for name, value in fields.items():
            if not test(value):
                out.append(f"{lesson.path}: {lang}.{name}: {what}")
        for index, goal in enumerate(lesson.goals):
            step = text.steps[goal.id]
            parts = [("goal", step.goal), ("hints[0]", step.hints[0])]
            if goal.quiz is not None:
                parts.append(("question", step.question))
            for name, value in parts:
                if not test(value):
                    out.append(f"{lesson.path}: steps[{index}].{lang}.{name}: {what}")
    return out


def _keys(lesson: Lesson) -> list[str]:
    """Reply keys a check names must be in the catalogue (when the lesson can run)."""
    if not lesson.available:
        return []
    out = [f"{lesson.path}: steps[{index}].check.key: {key!r} is not a reply key of this "
           "server (see simulator/protocol/replies.py)"
           for index, goal in enumerate(lesson.goals) for key in goal.check.keys
           if key not in CATALOGUE]
    for lang, text in lesson.texts.items():
        for index, goal in enumerate(lesson.goals):
            if goal.quiz is not None:
                continue  # a quiz step reacts to known wrong answers, not to reply keys
            out += [f"{lesson.path}: steps[{index}].{lang}.react: {key!r} is not a reply key "
                    "of this server" for key in text.steps[goal.id].react if key not in CATALOGUE]
    return out


def _scripts(lesson: Lesson) -> list[str]:
    out = [f"{lesson.path}: solution: {problem}" for problem in check_script(lesson.solution.lines)]
    for index, attempt in enumerate(lesson.wrong):
        out += [f"{lesson.path}: wrong[{index}]: {problem}"
                for problem in check_script(attempt.lines)]
    return out


def _replays(lesson: Lesson, replay: Replayer) -> list[str]:
    """Every solution must complete the lesson, and be explained in every language; no wrong
    attempt may complete it; every code the texts quote must be one these runs produce."""
    out: list[str] = []
    replies: set[tuple[int, str | None]] = set()
    for index, attempt in enumerate(lesson.solutions):
        where = "solution" if index == 0 else f"solutions[{index - 1}]"
        run = replay(lesson, attempt.lines)
        missing = missing_goals(lesson, run.progress)
        if missing:
            names = ", ".join(goal.id for goal in missing)
            out.append(f"{lesson.path}: {where}: does not complete the lesson (steps not met: "
                       f"{names})")
        out += _explained(lesson, where, run.exchanges)
        replies |= {(e.reply.code, e.reply.enhanced) for e in run.exchanges}
    for index, attempt in enumerate(lesson.wrong):
        wrong_run = replay(lesson, attempt.lines)
        replies |= {(e.reply.code, e.reply.enhanced) for e in wrong_run.exchanges}
        if not missing_goals(lesson, wrong_run.progress):
            out.append(f"{lesson.path}: wrong[{index}]: completes the lesson, but a wrong "
                       "attempt must leave at least one step unmet")
    return out + quoted_codes(lesson, replies)


def _explained(lesson: Lesson, where: str, exchanges: Iterable[Exchange]) -> list[str]:
    out = []
    for lang in LANGS:
        for exchange in exchanges:
            try:
                annotate(exchange, lang)
            except Exception as err:  # a missing explanation is a data problem: report it
                out.append(f"{lesson.path}: {where}: reply {exchange.reply.key} cannot be "
                           f"explained in {lang} ({err})")
    return out


def course_summary(course: Course) -> str:
    """``18 lessons, 12 available; not yet runnable here: 11 unknown-user (realistic)...``"""
    waiting = [f"{lesson.number:02d} {lesson.id} ({', '.join(lesson.needs)})"
               for lesson in course.lessons if not lesson.available]
    text = f"{len(course.lessons)} lessons, {len(course.available)} runnable"
    return text + (f"; waiting for the engine: {'; '.join(waiting)}" if waiting else "")
