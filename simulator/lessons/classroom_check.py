"""``lessons check`` on the short titles of ``classroom.LANG.toml``: every reply key of the
catalogue has one in every language, so the classroom never shows a bare key or a code's
long title in its place.

A key's title is in ``[mistakes]`` when its reply is an error the student caused (the
dashboard's common mistakes, serve's summary, ``report``; see ``NOT_MISTAKES`` for the
server's own troubles), else in ``[replies]`` (the dashboard's "last reply"); in one table,
not both. A title for a key the catalogue does not have (a typo, or a key since renamed)
would never be shown, so it is reported too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..protocol.replies import CATALOGUE
from .classmodel.model import NOT_MISTAKES
from .load import LANGS, LessonDataError, Library

KIND: Final = "classroom"
MISTAKES: Final = "mistakes"
REPLIES: Final = "replies"


def title_table(key: str) -> str:
    """The table of ``classroom.LANG.toml`` that holds the short title of ``key``."""
    return MISTAKES if CATALOGUE[key].code >= 400 and key not in NOT_MISTAKES else REPLIES


def check_titles(library: Library) -> list[str]:
    """Every problem with the short titles of the classroom files of ``library``."""
    problems: list[str] = []
    for lang in LANGS:
        name = library.file_name(KIND, lang)
        if not library.exists(KIND, lang):
            problems.append(f"{name}: file missing")
            continue
        try:
            tables = {table: library.table(KIND, lang, table) for table in (MISTAKES, REPLIES)}
        except LessonDataError as err:
            problems.append(f"{name}: not valid TOML ({err})")
            continue
        problems += _missing(name, lang, tables) + _misplaced(name, tables)
    return problems


def _missing(name: str, lang: str, tables: Mapping[str, Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    for key in CATALOGUE:
        table = title_table(key)
        if key in tables[table]:
            continue
        if key in tables[REPLIES]:  # an error the student caused, titled as a plain reply
            out.append(f'{name}: [{REPLIES}] "{key}": a mistake the student makes '
                       f"(code {CATALOGUE[key].code}): move its title to [{MISTAKES}]")
        elif key not in tables[MISTAKES]:
            out.append(f'{name}: [{table}] "{key}": missing the short title in {lang} of '
                       f"this reply key (one line, as the dashboard shows it)")
    return out


def _misplaced(name: str, tables: Mapping[str, Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    for table, titles in tables.items():
        for key, title in titles.items():
            where = f'{name}: [{table}] "{key}"'
            if key not in CATALOGUE:
                out.append(f"{where}: names no reply key of the catalogue "
                           "(simulator/protocol/replies.py); fix the key or remove the line")
            elif not isinstance(title, str) or not title.strip() or "\n" in title.strip():
                out.append(f"{where}: the short title must be one line of text")
            elif table == MISTAKES and key in tables[REPLIES]:
                out.append(f"{where}: titled in [{MISTAKES}] and [{REPLIES}]; keep one")
    return out
