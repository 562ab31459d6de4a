"""The faces' own words (notices, help, toolbar, diagram labels, usage errors) from
``lessons/ui.LANG.toml``: one lookup, :func:`text`, for every face.

Keys are ``table.name`` (``console.start``, ``bar.state``, ``diagram.sequence.need-helo``):
the table is the part before the first dot. A language's file is parsed on first use
(one small TOML file: the console's start-up pays well under a millisecond for it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from simulator.options.records import OptionError

from .load import LANGS, Library, default_library
from .templates import fill

KIND = "ui"
"""The file kind: ``ui.en.toml``, ``ui.zh.toml``..."""


def _lang(lang: str) -> str:
    return lang if lang in LANGS else LANGS[0]


def template(key: str, lang: str, library: Library | None = None) -> str:
    """The unfilled text of ``key`` in ``lang`` (the first language when ``lang`` is unknown
    or lacks the key); KeyError when no language has it."""
    library = library or default_library()
    table, _, name = key.partition(".")
    for candidate in dict.fromkeys((_lang(lang), LANGS[0])):
        value = library.table(KIND, candidate, table).get(name)
        if isinstance(value, str):
            return value
    raise KeyError(key)


def text(key: str, lang: str, **fields: object) -> str:
    """The text ``key`` in ``lang`` with its ``{placeholders}`` filled from ``fields``."""
    raw = template(key, lang)
    return fill(raw, {name: str(value) for name, value in fields.items()}) if fields else raw


def ui_keys(document: Mapping[str, Any]) -> Iterator[tuple[str, object]]:
    """Every ``table.name`` of a parsed UI file with its value (non-tables as ``table``)."""
    for table, entries in document.items():
        if not isinstance(entries, Mapping):
            yield table, entries
            continue
        for name, value in entries.items():
            yield f"{table}.{name}", value


def option_text(err: OptionError, lang: str) -> str:
    """What is wrong with an option, in ``lang`` (its sentence under ``[options]``)."""
    return text(f"options.{err.key}", lang, **err.fields)
