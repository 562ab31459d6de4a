"""Looking codes up for ``smtp-sim explain`` and the console's ``:explain``: reply codes
(compared when several) and enhanced status codes, each checked before it is explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .compose import Comparison, compare_codes
from .entries import (
    CODE_RE,
    ENHANCED_RE,
    CodeEntry,
    EnhancedEntry,
    UnknownCodeError,
    code_entry,
    enhanced_entry,
    known_codes,
)
from .ui import text


class ExplainError(Exception):
    """A code the learner asked about cannot be explained; the message says why."""


@dataclass
class Request:
    """What to explain: reply codes (compared when several) and enhanced codes."""

    lang: str
    entries: list[CodeEntry] = field(default_factory=list)
    enhanced: list[EnhancedEntry] = field(default_factory=list)
    comparison: Comparison | None = None


def parse_request(codes: list[str], lang: str) -> Request:
    """Look every code up; raise ExplainError for the first one that cannot be explained."""
    request = Request(lang)
    seen: set[str] = set()
    for raw in codes:
        code = raw.strip()
        if code.upper() in seen:
            continue
        seen.add(code.upper())
        if CODE_RE.fullmatch(code):
            request.entries.append(_code(int(code), lang))
        elif ENHANCED_RE.fullmatch(code):
            request.enhanced.append(_enhanced(code, lang))
        else:
            raise ExplainError(text("explain.not-a-code", lang, code=repr(raw)))
    if len(request.entries) >= 2:
        request.comparison = compare_codes([e.code for e in request.entries], lang)
    return request


def _code(code: int, lang: str) -> CodeEntry:
    try:
        return code_entry(code, lang)
    except UnknownCodeError:
        known = " ".join(str(c) for c in known_codes(lang))
        raise ExplainError(text("explain.unknown-code", lang, code=code, known=known)) from None


def _enhanced(code: str, lang: str) -> EnhancedEntry:
    try:
        return enhanced_entry(code, lang)
    except UnknownCodeError:
        raise ExplainError(text("explain.unknown-enhanced", lang, code=code)) from None
