"""The explanation of a reply code, of its class digits and of enhanced status codes.

RFC 5321 §4.2.1: the first digit of a reply says whether the command succeeded, failed for
now, or failed for good; the second digit says what the reply is about (syntax, information,
connection, mail system). RFC 3463 adds the enhanced status code ``class.subject.detail``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from simulator.lessons.ui import template

from .load import Library, default_library

REQUIRED_CODES: Final = (
    211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 450, 451, 452, 454, 455,
    500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556,
)
"""Every code the simulator sends and the ones learners meet from real servers."""

REQUIRED_ENHANCED: Final = (
    "X.0.0", "X.1.0", "X.1.1", "X.1.3", "X.1.5", "X.1.7", "X.2.2", "X.3.0", "X.3.4", "X.4.2",
    "X.5.0", "X.5.1", "X.5.2", "X.5.3", "X.5.4", "X.6.7", "X.7.0", "X.7.1", "X.7.8",
    "X.1.6", "X.1.10", "X.2.1", "X.7.23", "X.7.25", "X.7.26",
)
"""The common RFC 3463 codes; the engine's catalogue may need more (the linter adds them)."""

_PAIRS: Final = (
    (421, "4.7.0"), (451, "4.7.1"), (452, "4.2.2"), (452, "4.5.3"), (504, "5.5.2"),
    (550, "5.1.1"), (550, "5.7.1"), (550, "5.7.23"), (550, "5.7.25"), (550, "5.7.26"),
    (551, "5.1.6"), (552, "5.2.2"), (552, "5.3.4"), (553, "5.7.1"), (554, "5.5.1"),
    (554, "5.7.1"), (556, "5.1.10"),
)
REQUIRED_PAIRS: Final = tuple(f"{code} {enhanced}" for code, enhanced in _PAIRS)
"""Reply code + enhanced code pairs that mean something specific on real servers (a
``[pairs.NAME]`` table each, NAME being code, space, enhanced code): the same 550 is a
lesson about a typo with 5.1.1 and about DMARC with 5.7.26."""

CODE_FIELDS: Final = ("title", "description", "when", "fix", "rfc")
FIRST_CLASS_FIELDS: Final = ("title", "meaning", "description")
SECOND_CLASS_FIELDS: Final = ("title", "description")
ENHANCED_FIELDS: Final = ("title", "description")
LABELS: Final = ("description", "when", "fix", "difference", "which", "why", "rfc", "see",
                 "versus", "enhanced", "class", "next", "colon")
"""Section headings and small words the renderers need, per language."""

PAIR_RE: Final = re.compile(r"([1-5][0-5][0-9]) ([245])\.([0-9]{1,3})\.([0-9]{1,3})")
"""A pair's name: the reply code, one space, the enhanced code of the same class."""
CODE_RE: Final = re.compile(r"[1-5][0-5][0-9]")
"""RFC 5321 §4.2: three digits; the first is 1-5, the second 0-5."""
ENHANCED_RE: Final = re.compile(r"([245Xx])\.([0-9]{1,3})\.([0-9]{1,3})")
"""RFC 3463 §2: class.subject.detail; ``X`` stands for any class in the lesson data."""


class UnknownCodeError(LookupError):
    """No lesson entry exists for this code (it may still be a well-formed code)."""


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """What one digit position of a reply code means: ``5xx`` or ``x5z``."""

    digit: int
    name: str
    title: str
    description: str
    meaning: str
    """For the first digit: one line to show under a reply ("permanent failure...")."""


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """The explanation of one reply code, in one language."""

    code: int
    lang: str
    title: str
    description: str
    when: str
    fix: str
    rfc: str
    first: ClassInfo
    second: ClassInfo
    own_meaning: str = ""
    """When the class line does not fit this code (221 succeeds but closes the channel)."""
    enhanced: str | None = None
    """Set when this entry explains a code + enhanced code pair (``550 5.1.1``)."""

    @property
    def label(self) -> str:
        """``550`` or, for a pair, ``550 5.1.1``."""
        return f"{self.code} {self.enhanced}" if self.enhanced else str(self.code)

    @property
    def heading(self) -> str:
        """``500 Syntax error: command not recognized``, ``550 5.1.1 User unknown``."""
        return f"{self.label} {self.title}"

    @property
    def meaning(self) -> str:
        """``5xx: permanent failure; ...``: what the class of this code means (for this code)."""
        return f"{self.first.name}: {self.own_meaning or self.first.meaning}"


@dataclass(frozen=True, slots=True)
class EnhancedEntry:
    """An RFC 3463 enhanced status code such as ``5.1.1`` (lesson data keys it ``X.1.1``)."""

    code: str
    lang: str
    title: str
    description: str
    first: ClassInfo | None
    """The class digit's meaning (2, 4, 5); None when the code was given as ``X.y.z``."""

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}"


def _text(table: Mapping[str, Any], name: str) -> str:
    value = table.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _lib(library: Library | None) -> Library:
    return library if library is not None else default_library()


def first_class(digit: int, lang: str = "en", *, library: Library | None = None) -> ClassInfo:
    """The meaning of a first digit (1-5): ``2xx`` positive completion..."""
    table = _lib(library).table("codes", lang, "classes").get("first", {}).get(str(digit), {})
    return ClassInfo(digit, f"{digit}xx", _text(table, "title"), _text(table, "description"),
                     _text(table, "meaning"))


def second_class(digit: int, lang: str = "en", *, library: Library | None = None) -> ClassInfo:
    """The meaning of a second digit (0-5): ``x0z`` syntax, ``x5z`` mail system..."""
    table = _lib(library).table("codes", lang, "classes").get("second", {}).get(str(digit), {})
    title = _text(table, "title")
    return ClassInfo(digit, f"x{digit}z", title, _text(table, "description"), title)


def known_codes(lang: str = "en", *, library: Library | None = None) -> tuple[int, ...]:
    """The codes that have an entry in ``lang``, ascending."""
    table = _lib(library).table("codes", lang, "codes")
    return tuple(sorted(int(name) for name in table if CODE_RE.fullmatch(name)))


def code_entry(code: int, lang: str = "en", *, library: Library | None = None) -> CodeEntry:
    """The full explanation of ``code``; raises UnknownCodeError when there is none."""
    lib = _lib(library)
    table = lib.table("codes", lang, "codes").get(str(code))
    if not isinstance(table, Mapping):
        raise UnknownCodeError(code)
    return CodeEntry(
        code, lang, _text(table, "title"), _text(table, "description"), _text(table, "when"),
        _text(table, "fix"), _text(table, "rfc"),
        first_class(code // 100, lang, library=lib),
        second_class(code // 10 % 10, lang, library=lib),
        _own_meaning(code, lang),
    )


def pair_name(code: int, enhanced: str) -> str | None:
    """``550 5.1.1``: the table name of a pair, or None when the two do not form one
    (malformed, or the enhanced class differs from the code's first digit, RFC 3463 §2)."""
    match = ENHANCED_RE.fullmatch(enhanced.strip())
    if match is None or match.group(1) != str(code)[:1]:
        return None
    cls, subject, detail = match.groups()
    return f"{code} {cls}.{int(subject)}.{int(detail)}"


def pair_entry(code: int, enhanced: str, lang: str = "en", *,
               library: Library | None = None) -> CodeEntry:
    """The explanation of a code with a given enhanced code (``550`` with ``5.1.1``).

    Raises UnknownCodeError when the pair has no entry of its own.
    """
    lib = _lib(library)
    name = pair_name(code, enhanced)
    table = lib.table("codes", lang, "pairs").get(name) if name else None
    if name is None or not isinstance(table, Mapping):
        raise UnknownCodeError(f"{code} {enhanced}")
    return CodeEntry(
        code, lang, _text(table, "title"), _text(table, "description"), _text(table, "when"),
        _text(table, "fix"), _text(table, "rfc"),
        first_class(code // 100, lang, library=lib),
        second_class(code // 10 % 10, lang, library=lib),
        _own_meaning(code, lang),
        enhanced=name.split(" ", 1)[1],
    )


def state_name(state: str, lang: str = "en", *, library: Library | None = None) -> str:
    """A session state as the lessons name it (``greeted``; zh adds a gloss)."""
    value = _lib(library).table("codes", lang, "states").get(state)
    return value.strip() if isinstance(value, str) and value.strip() else state


def _own_meaning(code: int, lang: str) -> str:
    """The UI table ``meaning`` overrides the class line for codes it does not fit."""
    try:
        return template(f"meaning.{code}", lang)
    except KeyError:
        return ""


def enhanced_entry(code: str, lang: str = "en", *,
                   library: Library | None = None) -> EnhancedEntry:
    """The explanation of an enhanced code (``5.5.2`` or ``X.5.2``).

    Raises UnknownCodeError when it is malformed or has no entry.
    """
    match = ENHANCED_RE.fullmatch(code.strip())
    if match is None:
        raise UnknownCodeError(code)
    cls, subject, detail = match.groups()
    lib = _lib(library)
    pattern = f"X.{int(subject)}.{int(detail)}"
    table = lib.table("codes", lang, "enhanced").get(pattern)
    if not isinstance(table, Mapping):
        raise UnknownCodeError(code)
    first = None if cls in "Xx" else first_class(int(cls), lang, library=lib)
    shown = pattern if first is None else f"{cls}.{int(subject)}.{int(detail)}"
    return EnhancedEntry(shown, lang, _text(table, "title"), _text(table, "description"), first)


def labels(lang: str = "en", *, library: Library | None = None) -> Mapping[str, str]:
    """Section headings and small words in ``lang``; a missing label falls back to its name."""
    table = _lib(library).table("codes", lang, "labels")
    found = {name: table.get(name) for name in LABELS}
    return {name: value if isinstance(value, str) and value.strip() else name
            for name, value in found.items()}
