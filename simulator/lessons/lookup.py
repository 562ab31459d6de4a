"""Looking codes up for ``smtp-sim explain`` and the console's ``:explain``: reply codes
(compared when several) and enhanced status codes, each checked before it is explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .compose import Comparison, compare_entries
from .entries import (
    CODE_RE,
    ENHANCED_RE,
    CodeEntry,
    EnhancedEntry,
    UnknownCodeError,
    code_entry,
    enhanced_entry,
    known_codes,
    pair_entry,
)


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
    """Look every code up; raise ExplainError for the first one that cannot be explained.

    A reply code directly followed by an enhanced code of its class (``550 5.1.1``) is
    explained as that pair when the lessons have an entry for it.
    """
    request = Request(lang)
    words = [word for raw in codes for word in raw.split()]
    seen: set[str] = set()
    index = 0
    while index < len(words):
        text, following = words[index], words[index + 1: index + 2]
        index += 1
        if CODE_RE.fullmatch(text) and following and ENHANCED_RE.fullmatch(following[0]):
            try:
                entry = pair_entry(int(text), following[0], lang)
            except UnknownCodeError:
                pass
            else:
                index += 1
                if entry.label not in seen:
                    seen.add(entry.label)
                    request.entries.append(entry)
                continue
        if text.upper() in seen:
            continue
        seen.add(text.upper())
        if CODE_RE.fullmatch(text):
            request.entries.append(_code(int(text), lang))
        elif ENHANCED_RE.fullmatch(text):
            request.enhanced.append(_enhanced(text, lang))
        else:
            raise ExplainError(
                f"{text!r} is not a reply code. Give three digits such as 250 (first digit "
                f"1-5, second 0-5), two codes to compare such as 221 500, an enhanced "
                f"status code such as 5.1.1, or both such as 550 5.1.1.")
    if len(request.entries) >= 2:
        request.comparison = compare_entries(request.entries, lang)
    return request


def _code(code: int, lang: str) -> CodeEntry:
    try:
        return code_entry(code, lang)
    except UnknownCodeError:
        known = " ".join(str(c) for c in known_codes(lang))
        raise ExplainError(f"no explanation for {code}. Known codes: {known}.") from None


def _enhanced(text: str, lang: str) -> EnhancedEntry:
    try:
        return enhanced_entry(text, lang)
    except UnknownCodeError:
        raise ExplainError(f"no explanation for the enhanced status code {text}.") from None
