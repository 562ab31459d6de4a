"""The course's order: ``sequences.toml`` groups the lessons into sequences, in order.

As learngitbranching groups its levels, each ``[[sequence]]`` has an id, a title and a one-line
summary in every language, and the ids of its lessons in the order a learner takes them; the
course is the sequences in file order. A course folder without the file is one sequence, its
lessons in number order. A file that breaks a rule is refused whole (each problem naming the
file and field); which lessons are in no sequence, in two, or missing is the linter's to report
(:func:`membership`), so a course still opens while a lesson is being written.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from simulator.files import FileRefused, parse_toml, read_text

from ..load import LANGS
from ..refusals import say
from ..ui import text
from .model import CourseSequence, Lesson

SEQUENCES_FILE: Final = "sequences.toml"
MAX_SEQUENCES_FILE: Final = 64 * 1024
_FIELDS: Final = frozenset({"id", "lessons", *LANGS})
_TEXT_FIELDS: Final = ("title", "summary")


def whole_course() -> CourseSequence:
    """The one sequence of a folder without ``sequences.toml`` (its lessons by number)."""
    return CourseSequence("course", (), {lang: text("course.whole-title", lang) for lang in LANGS},
                          {lang: text("course.whole-summary", lang) for lang in LANGS})


def load_sequences(root: Path) -> tuple[tuple[CourseSequence, ...], list[str]]:
    """The sequences of ``root`` (empty when it has no file) and the problems reading it."""
    path = root / SEQUENCES_FILE
    if not path.exists():
        return (), []
    try:
        return parse_sequences(read_text(path, MAX_SEQUENCES_FILE))
    except OSError as err:
        return (), [f"{SEQUENCES_FILE}: cannot be read ({err.strerror or err})"]
    except FileRefused as refused:
        return (), [say(refused, LANGS[0], path=SEQUENCES_FILE)]


def parse_sequences(source: str) -> tuple[tuple[CourseSequence, ...], list[str]]:
    try:
        doc = parse_toml(source, SEQUENCES_FILE)
    except tomllib.TOMLDecodeError as err:
        return (), [f"{SEQUENCES_FILE}: not valid TOML ({err})"]
    except FileRefused as refused:
        return (), [say(refused, LANGS[0], path=SEQUENCES_FILE)]
    problems: list[str] = [f"{SEQUENCES_FILE}: {name}: unknown field"
                           for name in sorted(set(doc) - {"sequence"})]
    tables = doc.get("sequence")
    if not isinstance(tables, list) or not tables:
        return (), [*problems, f"{SEQUENCES_FILE}: sequence: expected at least one "
                               "[[sequence]] table (id, lessons, en and zh title and summary)"]
    out = [_sequence(f"sequence[{index}]", table, problems) for index, table in enumerate(tables)]
    ids = [sequence.id for sequence in out if sequence is not None]
    problems += [f"{SEQUENCES_FILE}: sequence id {name!r} is used twice"
                 for name in sorted({name for name in ids if ids.count(name) > 1})]
    if problems:
        return (), problems
    return tuple(sequence for sequence in out if sequence is not None), []


def _sequence(where: str, table: object, problems: list[str]) -> CourseSequence | None:
    def bad(field: str, what: str) -> None:
        problems.append(f"{SEQUENCES_FILE}: {where}.{field}: {what}")

    if not isinstance(table, Mapping):
        problems.append(f"{SEQUENCES_FILE}: {where}: expected a table")
        return None
    for name in sorted(set(table) - _FIELDS):
        bad(name, "unknown field")
    ident, lessons = table.get("id"), table.get("lessons")
    if not isinstance(ident, str) or not ident.strip():
        bad("id", "expected a non-empty string")
    if (not isinstance(lessons, list) or not lessons
            or not all(isinstance(name, str) and name for name in lessons)):
        bad("lessons", "expected a non-empty list of lesson ids")
    words: dict[str, dict[str, str]] = {name: {} for name in _TEXT_FIELDS}
    for lang in LANGS:
        part: Any = table.get(lang)
        for name in _TEXT_FIELDS:
            value = part.get(name) if isinstance(part, Mapping) else None
            if not isinstance(value, str) or not value.strip():
                bad(f"{lang}.{name}", "expected a non-empty string in this language")
            else:
                words[name][lang] = value
    if not isinstance(ident, str) or not isinstance(lessons, list):
        return None
    return CourseSequence(ident, tuple(str(name) for name in lessons), words["title"],
                          words["summary"])


def in_course_order(lessons: Iterable[Lesson], sequences: tuple[CourseSequence, ...]
                    ) -> tuple[Lesson, ...]:
    """The lessons as the sequences list them, any in no sequence after (by file number),
    each carrying its ``place`` in that order: the number the learner reads."""
    by_id = {lesson.id: lesson for lesson in lessons}
    ordered = {name: by_id[name] for sequence in sequences for name in sequence.lessons
               if name in by_id}  # a lesson listed twice keeps its first place
    rest = sorted((lesson for lesson in by_id.values() if lesson.id not in ordered),
                  key=lambda lesson: lesson.number)
    return tuple(replace(lesson, place=place)
                 for place, lesson in enumerate((*ordered.values(), *rest), 1))


def membership(lessons: Iterable[Lesson], sequences: tuple[CourseSequence, ...]) -> list[str]:
    """A lesson in no sequence or in two, and ids that name no lesson of the folder."""
    if not sequences or any(not sequence.lessons for sequence in sequences):
        return []  # no sequences.toml: one sequence holds every lesson
    lessons = tuple(lessons)
    known = {lesson.id for lesson in lessons}
    where: dict[str, list[str]] = {}
    for sequence in sequences:
        for name in sequence.lessons:
            where.setdefault(name, []).append(sequence.id)
    out = [f"{lesson.path}: in no sequence: add {lesson.id!r} to one [[sequence]] of "
           f"{SEQUENCES_FILE}" for lesson in lessons if lesson.id not in where]
    out += [f"{SEQUENCES_FILE}: lesson {name!r} is in {len(homes)} sequences "
            f"({', '.join(homes)}); keep it in one" for name, homes in where.items()
            if len(homes) > 1]
    missing = [f"{name} ({homes[0]})" for name, homes in where.items() if name not in known]
    if missing:
        out.append(f"{SEQUENCES_FILE}: {len(missing)} lesson id(s) name no lesson file "
                   f"(NN-ID.toml) of this folder: {', '.join(missing)}")
    return out
