"""Assert that output shows a sentence of the lesson data, whatever its wording today.

A test that pins an English sentence of ``lessons/ui.en.toml`` (or a course's, a rubric's text)
breaks when a writer rewords it, though nothing a user relies on changed. These helpers build
the sentence from the data instead: ``says(out, "serve.bad-maildir", path=path)`` holds when
``out`` shows that key's sentence with ``path`` filled in, and fails when the sentence is
missing, another one is shown, or the path is not in it. Placeholders not named match any text
(give the ones the user must see: the path, the port, the code); runs of whitespace match any
whitespace, so a sentence wrapped to the terminal's width still matches. Reply text from
``protocol/replies.py`` is the wire, not wording: tests compare it as a client reads it.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from unicodedata import east_asian_width

from simulator.faces.shell.course import replay
from simulator.lessons.course import Course, Lesson, default_course_root, load_course
from simulator.lessons.load import default_library
from simulator.lessons.templates import placeholders
from simulator.lessons.ui import template, text

_FORMATTER = string.Formatter()
_SPACE = re.compile(r"\s+")


def _word(word: str) -> str:
    """A word as a pattern; a wide (Chinese) character may be followed by a line break, since
    Chinese is wrapped between any two characters."""
    return "".join(re.escape(char) + (r"\s*" if east_asian_width(char) in "WF" else "")
                   for char in word)


def _loose(literal: str) -> str:
    """``literal`` as a pattern in which each run of whitespace matches any whitespace."""
    return r"\s+".join(_word(word) for word in _SPACE.split(literal))


def pattern_of(raw: str, *, capture: str | None = None, **fields: object) -> re.Pattern[str]:
    """A pattern for the text ``raw`` (a template with ``{placeholders}``) filled with ``fields``;
    the placeholder ``capture``, if given, is a group of that name.

    A field that ``raw`` does not use is an error of the test, not a pass: it would assert
    nothing about the field."""
    unknown = {*fields, *([capture] if capture else [])} - set(placeholders(raw))
    if unknown:
        raise AssertionError(f"{sorted(unknown)} are not placeholders of {raw!r}")
    parts: list[str] = []
    for literal, name, _, _ in _FORMATTER.parse(raw):
        parts.append(_loose(literal))
        if name == capture and name is not None:
            parts.append(rf"(?P<{name}>[\s\S]*?)")
        elif name is not None:
            parts.append(_loose(str(fields[name])) if name in fields else r"[\s\S]*?")
    return re.compile("".join(parts))


def shows(output: str, raw: str, **fields: object) -> bool:
    """Whether ``output`` holds the text ``raw`` (taken from the lesson data) filled with
    ``fields``."""
    return pattern_of(raw, **fields).search(output) is not None


def says(output: str, key: str, lang: str = "en", **fields: object) -> bool:
    """Whether ``output`` holds the UI sentence ``key`` (``lessons/ui.LANG.toml``) in ``lang``
    filled with ``fields``."""
    return shows(output, template(key, lang), **fields)


def said(output: str, key: str, name: str, lang: str = "en", **fields: object) -> list[str]:
    """The value of the placeholder ``name`` in each place ``output`` shows the sentence
    ``key`` (the step numbers of every tick, in order)."""
    found = pattern_of(template(key, lang), capture=name, **fields).finditer(output)
    return [match[name] for match in found]


def written(kind: str, *path: str, lang: str = "en") -> str:
    """The text at ``path`` in ``lessons/KIND.LANG.toml``, unfilled, for :func:`shows`
    (``written("keys", "auth.username-challenge", "why")``)."""
    node: object = default_library().document(kind, lang)
    for part in path:
        assert isinstance(node, Mapping), (kind, path)
        node = node[part]
    assert isinstance(node, str), (kind, path)
    return node


def opening(key: str, lang: str = "en", **fields: object) -> str:
    """The sentence ``key`` filled with ``fields`` up to its first placeholder not given: what
    a user sees of it whatever the rest (to find where it is shown, or output cut short)."""
    raw = template(key, lang)
    unknown = set(fields) - set(placeholders(raw))
    if unknown:
        raise AssertionError(f"{sorted(unknown)} are not placeholders of {raw!r}")
    out: list[str] = []
    for literal, name, _, _ in _FORMATTER.parse(raw):
        out.append(literal)
        if name is None:
            continue
        if name not in fields:
            break
        out.append(str(fields[name]))
    return "".join(out)


# -- the course: what the learn face shows of a lesson, from its file and [learn] -------------


@functools.cache
def course() -> Course:
    """The shipped course (read once per test run)."""
    return load_course(default_course_root())


def lesson(lesson_id: str) -> Lesson:
    """A lesson of the shipped course by id or number."""
    found = course().find(lesson_id)
    assert found is not None, lesson_id
    return found


def met(lesson_id: str, lines: list[str]) -> tuple[str, ...]:
    """The steps of a shipped lesson that ``lines``, replayed on the lesson's one road, meet."""
    return replay(lesson(lesson_id), lines).progress.met


def following(lesson_id: str) -> Lesson:
    """The lesson after ``lesson_id`` in course order, as the course holds it today."""
    order = list(course().available)
    return order[order.index(lesson(lesson_id)) + 1]


def heading(lesson: Lesson, lang: str = "en") -> str:
    """The lesson's heading (``Lesson 1: ...``) from its file's title."""
    return text("learn.lesson-heading", lang, number=lesson.place, title=lesson.text(lang).title)


def finished(lesson: Lesson, lang: str = "en") -> str:
    """What the summary of a completed lesson starts with."""
    return text("learn.complete", lang, number=lesson.place, title=lesson.text(lang).title)


def goal(lesson: Lesson, index: int, lang: str = "en") -> str:
    """Step ``index`` (from 1) of the lesson as its file words it."""
    return lesson.text(lang).steps[lesson.goals[index - 1].id].goal


def tick(index: int, lang: str = "en") -> str:
    """What the tick of step ``index`` starts with (its goal follows)."""
    return opening("learn.tick", lang, index=index)


def reaction(lesson: Lesson, index: int, key: str, lang: str = "en") -> str:
    """What step ``index`` says to a reply ``key`` (its file's ``react``)."""
    return lesson.text(lang).steps[lesson.goals[index - 1].id].react[key]


def incomplete(lesson: Lesson, *indexes: int, lang: str = "en") -> str:
    """The last line of a piped lesson left with steps ``indexes`` not met."""
    steps = "; ".join(f"{index}. {goal(lesson, index, lang)}" for index in indexes)
    return text("learn.incomplete", lang, number=lesson.place, steps=steps)
