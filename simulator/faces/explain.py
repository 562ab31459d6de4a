"""``smtp-sim explain CODE [CODE...]``: reply codes explained (compared when several),
enhanced status codes (read with their reply code as one pair), and class digits.
``smtp-sim explain KEY [KEY...]``: reply keys of the catalogue (``rcpt.user-unknown``), each
explained as the console explains that reply (simulator/lessons/key_lookup.py).
``smtp-sim explain FILE.eml`` (or ``-``, standard input): a bounce explained, recipient by
recipient (simulator/lessons/bounces.py reads it, bounce_view.py explains it).

Text on a terminal (coloured unless NO_COLOR or --no-color, wrapped to the terminal
width), Markdown for handouts, JSON for tools. A malformed or unknown code is a usage
error: a message on stderr and exit status 2, like argparse's own errors.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from typing import TYPE_CHECKING, Final

from simulator.files import FileRefused, read_bytes
from simulator.lessons.bounce_view import explain_bounce
from simulator.lessons.bounces import LIMIT, NotABounce, read_bounce
from simulator.lessons.entries import CodeEntry
from simulator.lessons.key_lookup import KeyExplanation, explain_key, is_key_like
from simulator.lessons.lookup import ExplainError, Request, parse_request
from simulator.lessons.refusals import say
from simulator.lessons.scenario_view import sent_by
from simulator.lessons.ui import text
from simulator.options.records import ExplainOptions
from simulator.render.bounce import bounce_fragments, bounce_json, bounce_markdown
from simulator.render.fragments import (
    Fragments,
    annotation_fragments,
    code_style,
    explain_fragments,
    markdown_explanation,
    md_escape,
    to_ansi,
    to_markdown,
    to_plain,
    wrap,
)
from simulator.render.terminal import wants_color

if TYPE_CHECKING:
    from simulator.lessons.bounce_view import BounceView

USAGE_ERROR: Final = 2
BOUNCE_SUFFIXES: Final = (".eml", ".txt", ".msg", ".mbox", ".log")


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


def is_bounce_argument(words: list[str]) -> bool:
    """One argument that names a file (``-``, an existing path, ``x.eml``), not a code."""
    if len(words) != 1:
        return False
    word = words[0]
    return word == "-" or os.sep in word or word.lower().endswith(BOUNCE_SUFFIXES) \
        or (os.path.exists(word) and not word.replace(".", "").isdigit())


def run_explain(options: ExplainOptions) -> int:
    """Entry point of ``smtp-sim explain``; 0 on success, 2 for a code it cannot explain
    or a file that is no readable bounce."""
    lang = options.lang or "en"
    if is_bounce_argument(list(options.codes)):
        return _explain_bounce(options.codes[0], options, lang)
    if all(is_key_like(word) for word in options.codes):
        return _explain_keys(options, lang)
    try:
        request = parse_request(list(options.codes), lang)
    except ExplainError as err:
        print(text("explain.error", lang, error=err), file=sys.stderr)
        return USAGE_ERROR
    color = wants_color(sys.stdout, no_color=options.no_color)
    width = shutil.get_terminal_size().columns
    _write(render(request, options.format, color=color, width=width))
    return 0


def _explain_keys(options: ExplainOptions, lang: str) -> int:
    """``smtp-sim explain KEY...``: each reply key as the console explains its reply; exit 2
    naming the nearest keys for a word that is none."""
    try:
        explained = [explain_key(word, lang) for word in options.codes]
    except ExplainError as err:
        print(text("explain.error", lang, error=err), file=sys.stderr)
        return USAGE_ERROR
    if options.format == "json":
        _write(json.dumps([key_json(one) for one in explained], ensure_ascii=False, indent=2)
               + "\n")
        return 0
    note = text("explain-key.note", lang)
    if options.format == "markdown":
        blocks = ["\n".join([f"## {md_escape(text('explain-key.heading', lang, name=one.key))}",
                              "", f"    {one.wire}", "", *markdown_explanation(one.annotation)])
                  for one in explained]
        _write("\n\n".join([*blocks, md_escape(note)]) + "\n")
        return 0
    fragments: Fragments = []
    for one in explained:
        fragments += [("class:title", text("explain-key.heading", lang, name=one.key) + "\n"),
                      (code_style(one.annotation.code), f"{one.wire}\n"),
                      *annotation_fragments(one.annotation, brief=False), ("", "\n")]
    fragments = wrap([*fragments, ("class:dim", note + "\n")], shutil.get_terminal_size().columns)
    color = wants_color(sys.stdout, no_color=options.no_color)
    _write(to_ansi(fragments) if color else to_plain(fragments))
    return 0


def key_json(one: KeyExplanation) -> dict[str, object]:
    """One reply key explained, for a program."""
    a = one.annotation
    return {"key": one.key, "code": a.code, "enhanced": a.enhanced, "reply": one.wire,
            "title": a.title, "enhanced_title": a.enhanced_title, "meaning": a.meaning,
            "why": a.why, "fix": a.fix, "rfc": a.rfc, "see": a.see, "lang": a.lang}


def _read_input(path: str) -> bytes:
    """The bounce's octets: standard input or a regular file, at most LIMIT
    (simulator/files/bounded.py)."""
    if path != "-":
        return read_bytes(path, LIMIT)
    data = sys.stdin.buffer.read(LIMIT + 1)
    if len(data) > LIMIT:
        raise FileRefused("too-large", "-", limit=LIMIT)
    return data


def _explain_bounce(path: str, options: ExplainOptions, lang: str) -> int:
    """``smtp-sim explain FILE.eml``: read, recognise, explain; exit 2 with one sentence for
    a file that cannot be read or holds no bounce."""
    shown = text("bounce.stdin", lang) if path == "-" else path
    try:
        bounce = read_bounce(_read_input(path))
    except FileRefused as refused:
        error = say(refused, lang, path=shown)
    except OSError as err:
        error = text("bounce.cannot-read", lang, path=shown, error=err.strerror or err)
    except NotABounce as err:
        error = text(f"bounce.{err.reason}", lang, path=shown)
    else:
        _write(render_bounce(explain_bounce(bounce, lang), options.format,
                             color=wants_color(sys.stdout, no_color=options.no_color),
                             width=shutil.get_terminal_size().columns))
        return 0
    print(text("bounce.error", lang, error=error), file=sys.stderr)
    return USAGE_ERROR


def render_bounce(view: BounceView, fmt: str, *, color: bool, width: int) -> str:
    """The explained bounce in format ``fmt`` (text, markdown or json)."""
    if fmt == "json":
        return bounce_json(view)
    if fmt == "markdown":
        return bounce_markdown(view)
    fragments = wrap(bounce_fragments(view), width)
    return (to_ansi(fragments) if color else to_plain(fragments)).rstrip("\n") + "\n"
