"""``smtp-sim explain CODE [CODE...]``: reply codes explained (compared when several),
enhanced status codes (read with their reply code as one pair), and class digits.

Text on a terminal (coloured unless NO_COLOR or --no-color, wrapped to the terminal
width), Markdown for handouts, JSON for tools. A malformed or unknown code is a usage
error: a message on stderr and exit status 2, like argparse's own errors.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Final

from simulator.lessons import CodeEntry
from simulator.lessons.lookup import ExplainError, Request, parse_request
from simulator.lessons.scenario_view import sent_by
from simulator.lessons.ui import text
from simulator.render.terminal import wants_color

USAGE_ERROR: Final = 2


def as_json(request: Request) -> str:
    """The request as JSON: the entries, the enhanced codes and the comparison."""
    def klass(entry: CodeEntry) -> dict[str, object]:
        return {"first": {"name": entry.first.name, "title": entry.first.title,
                          "meaning": entry.first.meaning},
                "second": {"name": entry.second.name, "title": entry.second.title,
                           "description": entry.second.description}}

    document = {
        "lang": request.lang,
        "codes": [{"code": e.code, "enhanced": e.enhanced, "title": e.title, "class": klass(e),
                   "description": e.description, "when": e.when, "fix": e.fix,
                   "rfc": e.rfc, "sent_by": sent_by(e.code, request.lang)}
                  for e in request.entries],
        "enhanced": [{"code": e.code, "title": e.title, "description": e.description}
                     for e in request.enhanced],
        "classes": [{"name": c.name, "title": c.title, "meaning": c.meaning,
                     "description": c.description} for c in request.classes],
        "notes": request.notes,
        "comparison": None if request.comparison is None else {
            "codes": list(request.comparison.codes), "name": request.comparison.name,
            "authored": request.comparison.authored,
            "difference": request.comparison.difference, "which": request.comparison.which},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(request: Request, fmt: str, *, color: bool, width: int) -> str:
    """The text to print for ``request`` in format ``fmt`` (text, markdown or json)."""
    from simulator.render import explain_fragments, to_ansi, to_markdown, to_plain, wrap

    if fmt == "json":
        return as_json(request)
    senders = [sent_by(entry.code, request.lang) for entry in request.entries]
    if fmt == "markdown":
        markdown = to_markdown(request.entries, request.comparison, request.enhanced,
                               classes=request.classes, notes=request.notes)
        return markdown.rstrip("\n") + "".join(f"\n\n{line}" for line in senders) + "\n"
    fragments = explain_fragments(request.entries, request.comparison, request.enhanced,
                                  classes=request.classes, notes=request.notes)
    fragments = wrap([*fragments, *(("class:dim", f"\n{line}\n") for line in senders)], width)
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
        print(text("explain.error", lang, error=err), file=sys.stderr)
        return USAGE_ERROR
    color = wants_color(sys.stdout, no_color=args.no_color)
    width = shutil.get_terminal_size().columns
    _write(render(request, args.format, color=color, width=width))
    return 0
