"""Syntax highlighting of the line being typed: verb, FROM:/TO:, <path>, parameters.

:func:`tokenize` is pure (a line in, ``(style, text)`` fragments out) so it is tested without
prompt_toolkit; :class:`SmtpLexer` adapts it. An unknown verb is marked while typing, before
the server says 500 - a hint, never a block: the line is still sent as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Final

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer

from simulator.protocol.lazyre import lazy
from simulator.protocol.state import UNIMPLEMENTED, Verb

VERBS: Final = tuple(v.value for v in Verb if v is not Verb.END_OF_DATA)

INPUT_STYLE: Final = (
    ("verb", "bold ansicyan"),
    ("verb.unimplemented", "ansiyellow"),
    ("verb.unknown", "ansired underline"),
    ("keyword", "ansicyan"),
    ("address", "ansigreen"),
    ("param", "ansimagenta"),
    ("meta", "bold ansiblue"),
    ("meta.unknown", "ansired underline"),
)
"""Styles for the input line (merged with the render styles by the console)."""


_PATH_ARG: Final = lazy(r"(?i)(FROM:|TO:)(\s*)(<[^>]*>?)?(.*)", re.DOTALL)


def tokenize(line: str, *, in_data: bool = False, metas: Collection[str] = (),
             ) -> list[tuple[str, str]]:
    """Fragments for ``line``; message text (``in_data``) is left plain; ``metas`` are the
    face's own ``:`` commands (``:help``...), shown as known."""
    if in_data or not line:
        return [("", line)]
    if line.lstrip().startswith(":"):
        return _tokenize_meta(line, metas)
    lead = line[: len(line) - len(line.lstrip())]
    rest = line[len(lead):]
    verb, space, argument = _split_first(rest)
    upper = verb.upper()
    if upper in VERBS:
        style = "class:verb"
    elif upper in UNIMPLEMENTED:
        style = "class:verb.unimplemented"
    else:
        style = "class:verb.unknown"
    out = [("", lead), (style, verb), ("", space)]
    if upper in ("MAIL", "RCPT"):
        out += _tokenize_path_argument(argument)
    else:
        out.append(("", argument))
    return [fragment for fragment in out if fragment[1]]


def _split_first(text: str) -> tuple[str, str, str]:
    match = re.match(r"(\S*)(\s*)(.*)", text, re.DOTALL)
    assert match is not None  # the pattern matches any string
    return match.group(1), match.group(2), match.group(3)


def _tokenize_path_argument(argument: str) -> list[tuple[str, str]]:
    match = _PATH_ARG.match(argument)
    if match is None:
        return [("", argument)]
    keyword, space, path, params = match.groups()
    out = [("class:keyword", keyword), ("", space), ("class:address", path or "")]
    for piece in re.split(r"(\s+)", params or ""):
        out.append(("class:param" if piece.strip() else "", piece))
    return out


def _tokenize_meta(line: str, metas: Collection[str]) -> list[tuple[str, str]]:
    lead = line[: len(line) - len(line.lstrip())]
    name, space, argument = _split_first(line.lstrip())
    known = name.lower() in metas
    style = "class:meta" if known else "class:meta.unknown"
    return [f for f in (("", lead), (style, name), ("", space), ("", argument)) if f[1]]


class SmtpLexer(Lexer):
    """prompt_toolkit lexer over :func:`tokenize`; ``in_data`` is asked on every redraw."""

    def __init__(self, in_data: Callable[[], bool], metas: Collection[str] = ()) -> None:
        self._in_data = in_data
        self._metas = metas

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        lines = document.lines
        in_data = self._in_data()

        def get_line(number: int) -> StyleAndTextTuples:
            if number >= len(lines):
                return []
            return list(tokenize(lines[number], in_data=in_data, metas=self._metas))

        return get_line
