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

import re
import string

from simulator.lessons.templates import placeholders
from simulator.lessons.ui import template

_FORMATTER = string.Formatter()
_SPACE = re.compile(r"\s+")


def _loose(literal: str) -> str:
    """``literal`` as a pattern in which each run of whitespace matches any whitespace."""
    return r"\s+".join(re.escape(word) for word in _SPACE.split(literal))


def pattern_of(raw: str, **fields: object) -> re.Pattern[str]:
    """A pattern for the text ``raw`` (a template with ``{placeholders}``) filled with ``fields``.

    A field that ``raw`` does not use is an error of the test, not a pass: it would assert
    nothing about the field."""
    unknown = set(fields) - set(placeholders(raw))
    if unknown:
        raise AssertionError(f"{sorted(unknown)} are not placeholders of {raw!r}")
    parts: list[str] = []
    for literal, name, _, _ in _FORMATTER.parse(raw):
        parts.append(_loose(literal))
        if name is not None:
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


def first_words(key: str, lang: str = "en") -> str:
    """The text of ``key`` before its first placeholder: what a user sees of it whatever the
    fields (for output cut short, such as a terminal line)."""
    return template(key, lang).split("{", 1)[0].strip()
