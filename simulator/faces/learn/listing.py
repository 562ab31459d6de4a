"""``learn list`` and ``:lessons``: the course grouped under its sequences' titles.

Each sequence is a heading with its count of lessons done, its one-line summary, then its
lessons: ✓ done, ▸ current, number, id, title. On a terminal every line fits its width (a
title or summary too long for it is cut with …, counted in display columns so Chinese fits
too); piped, nothing bounds a line, so nothing is cut (the terminal or the pager wraps).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from simulator.lessons.course import Course, Lesson
from simulator.lessons.course.model import CourseSequence
from simulator.lessons.course.words import say
from simulator.lessons.ui import text
from simulator.render.wrap import Fragments, char_width, text_width

WIDTH: Final = 60
"""The narrowest terminal width the listing is cut to (a 60-column terminal shows it
unwrapped)."""
ID_COLUMN: Final = 20
"""At most this many columns for the id (a longer one pushes its title along)."""
DONE = "class:code.2xx"
CURRENT = "class:title"


def fit(line: str, width: int | None) -> str:
    """``line`` cut to ``width`` display columns, ending in … when cut (None: as it is)."""
    if width is None or text_width(line) <= width:
        return line
    out, used = "", 0
    for char in line:
        if used + char_width(char) > width - 1:
            break
        out += char
        used += char_width(char)
    return out + "…"


def groups(course: Course) -> list[tuple[CourseSequence | None, tuple[Lesson, ...]]]:
    """Each sequence with the lessons it offers, in course order; lessons in no sequence last
    (None: their own heading)."""
    lessons = course.available
    out: list[tuple[CourseSequence | None, tuple[Lesson, ...]]] = []
    placed: set[str] = set()
    for sequence in course.sequences:
        held = tuple(lesson for lesson in lessons if sequence.holds(lesson)
                     and lesson.id not in placed)
        placed |= {lesson.id for lesson in held}
        out.append((sequence, held))
    out.append((None, tuple(lesson for lesson in lessons if lesson.id not in placed)))
    return [(sequence, held) for sequence, held in out if held]


def list_fragments(course: Course, done: Iterable[str], current: str | None, lang: str,
                   width: int | None = None) -> Fragments:
    """Every lesson the course offers, grouped under its sequences; each line cut to
    ``width`` columns (a terminal's), or whole (None: piped, or a printer that wraps)."""
    done_set = set(done)
    lessons = course.available
    finished = sum(1 for lesson in lessons if lesson.id in done_set)
    out: Fragments = [("class:title", fit(say("list-heading", lang, done=finished,
                                              total=len(lessons)), width) + "\n")]
    id_width = min(max((len(lesson.id) for lesson in lessons), default=0), ID_COLUMN)
    for sequence, held in groups(course):
        title = sequence.title(lang) if sequence else text("course.other-title", lang)
        count = sum(1 for lesson in held if lesson.id in done_set)
        heading = text("course.sequence-heading", lang, title=title, done=count,
                       total=len(held))
        out += [("", "\n"), ("class:heading", fit(heading, width) + "\n")]
        if sequence is not None:
            out.append(("class:dim", fit("  " + sequence.summary(lang), width) + "\n"))
        for lesson in held:
            mark, style = ("✓", DONE) if lesson.id in done_set else ("▸", CURRENT) if (
                lesson.id == current) else (" ", "")
            title = lesson.text(lang).title
            line = f"  {mark} {lesson.place:2d}  {lesson.id:<{id_width}}  {title}"
            out.append((style, fit(line, width) + "\n"))
    return out
