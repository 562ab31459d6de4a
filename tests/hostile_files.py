"""Files that are not what a loader expects, for every loader's tests: values nested far past
any parser's stack, a symlink to /dev/zero (endless), a FIFO nobody writes (opened plainly, it
waits for ever), a folder. Each loader must refuse them quickly, naming the file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Final

DEEP: Final = 500
"""Levels of nesting: about a kilobyte of brackets, past what tomllib can recurse."""
DEEP_JSON_LEVELS: Final = 5000
"""json's C parser recurses less per level than tomllib: 10 kB of brackets is past it."""
DEEP_TOML: Final = "z = " + "[" * DEEP + "]" * DEEP + "\n"
DEEP_JSON: Final = "[" * DEEP_JSON_LEVELS + "]" * DEEP_JSON_LEVELS


def zero(path: Path) -> Path:
    """``path`` made a symlink to /dev/zero."""
    path.symlink_to("/dev/zero")
    return path


def fifo(path: Path) -> Path:
    """``path`` made a FIFO that nobody writes to."""
    os.mkfifo(path)
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


NOT_FILES: Final[dict[str, Callable[[Path], Path]]] = {"dev-zero": zero, "fifo": fifo,
                                                       "folder": folder}
"""Each kind of path that is not a regular file, by name (for parametrize ids)."""


KINDS: Final = ("deep", *NOT_FILES)
"""Every hostile kind: too deeply nested, or not a regular file."""


def make(kind: str, path: Path, deep: str = DEEP_TOML) -> Path:
    """``path`` made the hostile ``kind``; ``deep`` is the nested text for ``deep``."""
    if kind == "deep":
        path.write_text(deep, encoding="utf-8")
        return path
    return NOT_FILES[kind](path)
