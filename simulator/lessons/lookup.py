"""Looking codes up for ``smtp-sim explain`` and the console's ``:explain``: reply codes
(compared when several), enhanced status codes, and class queries (``2xx``, ``5``, ``x5z``),
each checked before it is explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from .compose import Comparison, compare_entries
from .entries import (
    CODE_RE,
    ENHANCED_RE,
    ClassInfo,
    CodeEntry,
    EnhancedEntry,
    UnknownCodeError,
    code_entry,
    enhanced_entry,
    first_class,
    known_codes,
    pair_entry,
    second_class,
)
from .ui import text

FIRST_CLASS_RE: Final = re.compile(r"([1-5])(?:[xX]{2})?")
"""``2xx`` or ``2``: the first digit of a reply (RFC 5321 §4.2.1)."""
SECOND_CLASS_RE: Final = re.compile(r"[xX]([0-5])[xXzZ]")
"""``x5z``: the second digit of a reply."""


class ExplainError(Exception):
    """A code the learner asked about cannot be explained; the message says why."""


@dataclass
class Request:
    """What to explain: reply codes (compared when several), enhanced codes, class digits,
    and notes to show first (a reply code and enhanced code read together, a fallback)."""

    lang: str
    entries: list[CodeEntry] = field(default_factory=list)
    enhanced: list[EnhancedEntry] = field(default_factory=list)
    classes: list[ClassInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comparison: Comparison | None = None


def parse_request(codes: list[str], lang: str) -> Request:
    """Look every code up; raise ExplainError for the first one that cannot be explained.

    A reply code directly followed by an enhanced code of its class (``550 5.1.1``) is
    explained as that pair when the lessons have an entry for it.
    """
    request = Request(lang)
    words = [word for raw in codes for word in raw.split()]
    seen: set[str] = set()
    index = 0
    while index < len(words):
        code, following = words[index], words[index + 1: index + 2]
        index += 1
        pair = _pair(code, following, lang)
        if pair is not None:
            index += 1
            if pair.label not in seen:
                seen.add(pair.label)
                request.entries.append(pair)
            continue
        if code.upper() in seen:
            continue
        seen.add(code.upper())
        _add(request, code, code, lang)
    _check_classes(request)
    if len(request.entries) >= 2:
        request.comparison = compare_entries(request.entries, lang)
    return request


def _pair(code: str, following: list[str], lang: str) -> CodeEntry | None:
    """The entry of a code + enhanced pair (``550 5.1.1``) when the lessons have one."""
    if not (CODE_RE.fullmatch(code) and following and ENHANCED_RE.fullmatch(following[0])):
        return None
    try:
        return pair_entry(int(code), following[0], lang)
    except UnknownCodeError:
        return None


def _add(request: Request, raw: str, code: str, lang: str) -> None:
    if CODE_RE.fullmatch(code):
        request.entries.append(_code(int(code), lang))
    elif ENHANCED_RE.fullmatch(code):
        request.enhanced.append(_enhanced(code, lang, request.notes))
    elif match := FIRST_CLASS_RE.fullmatch(code):
        request.classes.append(first_class(int(match.group(1)), lang))
    elif match := SECOND_CLASS_RE.fullmatch(code):
        request.classes.append(second_class(int(match.group(1)), lang))
    else:
        raise ExplainError(text("explain.not-a-code", lang, code=repr(raw)))


def _check_classes(request: Request) -> None:
    """RFC 3463 §2: an enhanced code's class digit is the reply code's first digit; a
    single reply with a single enhanced code is read as one pair."""
    for entry in request.entries:
        for enhanced in request.enhanced:
            if enhanced.first is not None and enhanced.first.digit != entry.code // 100:
                raise ExplainError(text("explain.class-mismatch", request.lang,
                                        code=entry.code, enhanced=enhanced.code,
                                        digit=entry.code // 100))
    if len(request.entries) == 1 and len(request.enhanced) == 1:
        entry, enhanced = request.entries[0], request.enhanced[0]
        request.notes.insert(0, text("explain.pair", request.lang, code=entry.code,
                                     enhanced=enhanced.code, title=entry.title,
                                     detail=enhanced.title))


def _code(code: int, lang: str) -> CodeEntry:
    try:
        return code_entry(code, lang)
    except UnknownCodeError:
        known = " ".join(str(c) for c in known_codes(lang))
        raise ExplainError(text("explain.unknown-code", lang, code=code, known=known)) from None


def _enhanced(code: str, lang: str, notes: list[str]) -> EnhancedEntry:
    """The entry of ``code``; for an unknown detail, its subject's (``5.7.99`` -> ``5.7.x``)."""
    try:
        return enhanced_entry(code, lang)
    except UnknownCodeError:
        pass
    cls, subject, _ = code.split(".")
    try:
        general = enhanced_entry(f"{cls}.{subject}.0", lang)
    except UnknownCodeError:
        raise ExplainError(text("explain.unknown-enhanced", lang, code=code)) from None
    shown = f"{cls}.{int(subject)}.x"
    notes.append(text("explain.enhanced-fallback", lang, code=code, subject=shown))
    return EnhancedEntry(shown, lang, general.title, general.description, general.first)
