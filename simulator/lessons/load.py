"""Find and read the lesson data (TOML files under ``lessons/``), once per file.

The data lives in the repository's ``lessons/`` directory; a wheel carries the same files as
``simulator/lessons_data/`` (pyproject force-includes them), so the loader looks there first
and falls back to the source tree. Files are read lazily and cached: ``smtp-sim explain``
reads only the codes file of one language.
"""

from __future__ import annotations

import functools
import importlib.resources
import tomllib
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import simulator
from simulator.files import FileRefused, parse_toml, read_text

from .datacache import parse_shipped

LANGS: Final = ("en", "zh")
"""The languages every text exists in: English and simplified Chinese (zh-CN). The one list:
the CLI, the console's settings, the linter and the tests import it, so a third language is
one set of ``*.LANG.toml`` files plus one entry here. The first is the fallback."""

KINDS: Final = ("codes", "keys", "compare", "ui")
"""The lesson files per language: ``codes.LANG.toml``, ``keys.LANG.toml``, ``compare.LANG.toml``
and ``ui.LANG.toml`` (the faces' own words)."""

_EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})
MAX_DATA_FILE: Final = 4 * 1024 * 1024
"""The largest lesson data file read, in octets (the largest shipped one is under 200 kB)."""


class LessonDataError(Exception):
    """A lesson file exists but is not valid TOML."""


def data_root() -> Traversable:
    """The directory holding the lesson files: the installed copy, else the source tree."""
    installed = importlib.resources.files("simulator") / "lessons_data"
    if installed.is_dir():
        return installed
    return Path(simulator.__file__).resolve().parent.parent / "lessons"


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is one of :data:`LANGS`; raise ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


class Library:
    """The lesson data of one directory, each file parsed on first use.

    Tests build a Library on a temporary directory; everything else uses
    :func:`default_library`.
    """

    def __init__(self, root: Traversable) -> None:
        self.root = root
        self._cache: dict[str, Mapping[str, Any]] = {}

    @staticmethod
    def file_name(kind: str, lang: str) -> str:
        return f"{kind}.{lang}.toml"

    def exists(self, kind: str, lang: str) -> bool:
        return (self.root / self.file_name(kind, lang)).is_file()

    def document(self, kind: str, lang: str) -> Mapping[str, Any]:
        """The parsed file ``kind.lang.toml``; empty when it does not exist.

        Raises LessonDataError when the file is not valid TOML.
        """
        name = self.file_name(kind, check_lang(lang))
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def table(self, kind: str, lang: str, name: str) -> Mapping[str, Any]:
        """One top-level table of a file (``codes``, ``classes``...), empty when absent."""
        value = self.document(kind, lang).get(name, _EMPTY)
        return value if isinstance(value, Mapping) else _EMPTY

    def _read(self, name: str) -> Mapping[str, Any]:
        path = self.root / name
        if not path.is_file():
            return _EMPTY
        try:
            text = read_data(path, MAX_DATA_FILE)
            if isinstance(path, Path):  # on disk: parsed once per version (datacache.py)
                return parse_shipped(path, text)
            return parse_toml(text, name)
        except (tomllib.TOMLDecodeError, FileRefused) as err:
            raise LessonDataError(f"{name}: {err}") from err


def read_data(path: Traversable, limit: int) -> str:
    """A data file's text, through the bounded reader when it is on disk (an installed
    package's resources may be elsewhere: a zip, read whole by importlib)."""
    if isinstance(path, Path):
        return read_text(path, limit)
    return path.read_text(encoding="utf-8")


@functools.cache
def default_library() -> Library:
    """The Library of the installed (or source-tree) lesson data, shared by all callers."""
    return Library(data_root())
