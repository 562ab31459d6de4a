"""The learn face's own words, from ``lessons/learn.LANG.toml`` (table ``[learn]``).

One lookup, :func:`say`, with ``{placeholders}`` filled; the course linter checks that every
language has every key with the same placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..load import LANGS, Library, default_library
from ..templates import fill, placeholders

KIND: Final = "learn"
TABLE: Final = "learn"


def say(key: str, lang: str, /, **fields: object) -> str:
    """The text ``key`` in ``lang`` (English when ``lang`` lacks it), filled from ``fields``."""
    return say_in(default_library(), key, lang, fields)


def say_in(library: Library, key: str, lang: str, fields: Mapping[str, object]) -> str:
    """:func:`say` from the data of ``library``."""
    for candidate in dict.fromkeys((lang if lang in LANGS else LANGS[0], LANGS[0])):
        value = library.table(KIND, candidate, TABLE).get(key)
        if isinstance(value, str):
            return fill(value, {k: str(v) for k, v in fields.items()}) if fields else value
    raise KeyError(f"learn.{key}")


def check_words(library: Library) -> list[str]:
    """Every key in every language, with the same placeholders."""
    tables: dict[str, Mapping[str, Any]] = {
        lang: library.table(KIND, lang, TABLE) for lang in LANGS}
    problems = []
    keys = sorted(set().union(*(set(table) for table in tables.values())))
    for lang, table in tables.items():
        name = library.file_name(KIND, lang)
        if not table:
            problems.append(f"{name}: [learn] missing")
            continue
        for key in keys:
            value = table.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name}: [learn] {key}: missing")
                continue
            english = tables[LANGS[0]].get(key)
            if isinstance(english, str) and set(placeholders(value)) != set(
                    placeholders(english)):
                problems.append(f"{name}: [learn] {key}: placeholders differ from {LANGS[0]}")
    return problems
