"""``smtp-sim explain CODE [CODE...]``: a reply code explained, or codes compared.

Text on a terminal (coloured unless NO_COLOR or --no-color, wrapped to the terminal
width), Markdown for handouts, JSON for tools. A malformed or unknown code is a usage
error: a message on stderr and exit status 2, like argparse's own errors.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from typing import Final

from .lessons import (
    CodeEntry,
    Comparison,
    EnhancedEntry,
    UnknownCodeError,
    code_entry,
    compare_codes,
    enhanced_entry,
    known_codes,
)
from .lessons.entries import CODE_RE, ENHANCED_RE
from .terminal import wants_color

USAGE_ERROR: Final = 2


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
        text = raw.strip()
        if text.upper() in seen:
            continue
        seen.add(text.upper())
        if CODE_RE.fullmatch(text):
            request.entries.append(_code(int(text), lang))
        elif ENHANCED_RE.fullmatch(text):
            request.enhanced.append(_enhanced(text, lang))
        else:
            raise ExplainError(
                f"{raw!r} is not a reply code. Give three digits such as 250 (first digit "
                f"1-5, second 0-5), two codes to compare such as 221 500, or an enhanced "
                f"status code such as 5.1.1.")
    if len(request.entries) >= 2:
        request.comparison = compare_codes([e.code for e in request.entries], lang)
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


def as_json(request: Request) -> str:
    """The request as JSON: the entries, the enhanced codes and the comparison."""
    def klass(entry: CodeEntry) -> dict[str, object]:
        return {"first": {"name": entry.first.name, "title": entry.first.title,
                          "meaning": entry.first.meaning},
                "second": {"name": entry.second.name, "title": entry.second.title,
                           "description": entry.second.description}}

    document = {
        "lang": request.lang,
        "codes": [{"code": e.code, "title": e.title, "class": klass(e),
                   "description": e.description, "when": e.when, "fix": e.fix,
                   "rfc": e.rfc} for e in request.entries],
        "enhanced": [{"code": e.code, "title": e.title, "description": e.description}
                     for e in request.enhanced],
        "comparison": None if request.comparison is None else {
            "codes": list(request.comparison.codes), "authored": request.comparison.authored,
            "difference": request.comparison.difference, "which": request.comparison.which},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(request: Request, fmt: str, *, color: bool, width: int) -> str:
    """The text to print for ``request`` in format ``fmt`` (text, markdown or json)."""
    from .render import explain_fragments, to_ansi, to_markdown, to_plain, wrap

    if fmt == "json":
        return as_json(request)
    if fmt == "markdown":
        return to_markdown(request.entries, request.comparison, request.enhanced)
    fragments = wrap(explain_fragments(request.entries, request.comparison, request.enhanced),
                     width)
    return (to_ansi(fragments) if color else to_plain(fragments)).rstrip("\n") + "\n"


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:  # a non-UTF-8 locale: send UTF-8 anyway rather than fail
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def run_explain(args: argparse.Namespace) -> int:
    """Entry point of ``smtp-sim explain``; 0 on success, 2 for a code it cannot explain."""
    lang = args.lang or "en"
    try:
        request = parse_request(list(args.codes), lang)
    except ExplainError as err:
        print(f"smtp-sim explain: {err}", file=sys.stderr)
        return USAGE_ERROR
    color = wants_color(sys.stdout, no_color=args.no_color)
    width = shutil.get_terminal_size().columns
    _write(render(request, args.format, color=color, width=width))
    return 0
