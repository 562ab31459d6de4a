"""The one reader of files a user or a teacher hands in: bounded in size, depth and time.

Scenario files, course lessons, demo scripts and their headers, the learner's progress, the
console's settings and the server's certificates all come through here, because any of them
may be something other than a small text file: a symlink to ``/dev/zero`` (read whole, it
grows memory without end), a FIFO (opened plainly, it waits for a writer for ever), a folder,
or a few hundred octets of ``[[[[...]]]]`` (the TOML and JSON parsers recurse once per level
and die with RecursionError). Each becomes a :class:`FileRefused` carrying the reason and
the file's name, which the faces say in the user's language (``files.REASON`` in
``ui.LANG.toml``, through :func:`simulator.lessons.refusals.say`).

A file that is not there, or that the user may not read, is still an OSError: callers treat
"none yet" differently from "not usable".
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tomllib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, TextIO

MAX_DEPTH: Final = 32
"""How deeply a TOML or JSON file's values may nest (arrays in tables in arrays...). Our own
files need five; the parsers themselves give up near 300, with a RecursionError."""
CHUNK: Final = 64 * 1024
"""Octets read at a time."""
OPEN_FLAGS: Final = (os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
"""O_NONBLOCK: opening a FIFO does not wait for a writer (we then refuse it by its type);
O_NOCTTY: a terminal device named by mistake never becomes our controlling terminal."""


class FileRefused(ValueError):
    """A file that is not read (or written), and why: ``reason`` names the sentence
    ``files.REASON`` (``not-a-file``, ``too-large``, ``too-deep``, ``not-utf8``,
    ``no-reader``); ``fields`` fill it, with
    ``path`` always among them. A ValueError: like a parse error, it is about what the file
    is, not about whether it could be opened."""

    def __init__(self, reason: str, path: str | os.PathLike[str], /, **fields: object) -> None:
        self.reason = reason
        self.path = str(path)
        self.fields: Mapping[str, str] = MappingProxyType(
            {"path": self.path, **{name: str(value) for name, value in fields.items()}})
        detail = ", ".join(f"{name} {value}" for name, value in fields.items())
        super().__init__(f"{self.path}: {reason}" + (f" ({detail})" if detail else ""))


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` octets.

    Raises FileRefused when it is not a regular file or is larger than ``limit``; OSError
    when it cannot be opened (missing, not allowed). Never blocks on a FIFO or a device.
    """
    descriptor = os.open(path, OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise FileRefused("not-a-file", path)
        if status.st_size > limit:
            raise FileRefused("too-large", path, limit=limit)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the size may have grown since fstat: read one octet past it
            chunk = os.read(descriptor, min(CHUNK, limit + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        raise FileRefused("too-large", path, limit=limit)
    finally:
        os.close(descriptor)


def read_text(path: str | os.PathLike[str], limit: int, *, errors: str = "strict") -> str:
    """:func:`read_bytes` decoded as UTF-8; FileRefused (``not-utf8``) when it is not."""
    raw = read_bytes(path, limit)
    try:
        return raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError:
        raise FileRefused("not-utf8", path) from None


def parse_toml(text: str, where: str | os.PathLike[str]) -> dict[str, Any]:
    """``tomllib.loads(text)``, refusing values nested past :data:`MAX_DEPTH` (FileRefused
    ``too-deep``, naming ``where``); TOMLDecodeError for what is not TOML at all."""
    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise FileRefused("too-deep", where, depth=MAX_DEPTH, format="TOML") from None
    _check_depth(document, where, "TOML")
    return document


def parse_json(text: str | bytes, where: str | os.PathLike[str]) -> Any:
    """``json.loads(text)``, refusing values nested past :data:`MAX_DEPTH` (FileRefused);
    ValueError (JSONDecodeError, UnicodeDecodeError) for what is not JSON."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise FileRefused("too-deep", where, depth=MAX_DEPTH, format="JSON") from None
    _check_depth(document, where, "JSON")
    return document


def read_toml(path: str | os.PathLike[str], limit: int) -> dict[str, Any]:
    """A TOML file read and parsed within ``limit`` octets and :data:`MAX_DEPTH` levels."""
    return parse_toml(read_text(path, limit), path)


def read_json(path: str | os.PathLike[str], limit: int) -> Any:
    """A JSON file read and parsed within ``limit`` octets and :data:`MAX_DEPTH` levels."""
    return parse_json(read_bytes(path, limit), path)


def open_output(path: str | os.PathLike[str], *, append: bool = False) -> TextIO:
    """``path`` opened to write UTF-8 text (made when missing; emptied unless ``append``).

    A FIFO that no program reads makes a plain open() for writing wait for ever (``serve
    --log``, ``demo --record`` and ``:save`` hung on one): it is opened without waiting, and
    the kernel's ENXIO becomes FileRefused (``no-reader``). A pipe that has a reader, a
    terminal or /dev/stdout is written as before: the descriptor is made blocking again
    once open, so no line is dropped. OSError as open() raises it otherwise.
    """
    try:
        return open(path, "a" if append else "w", encoding="utf-8", opener=_without_waiting)
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise FileRefused("no-reader", path) from None
        raise


def _without_waiting(path: str, flags: int) -> int:
    """open()'s opener: the file opened non-blocking (ENXIO for a FIFO without a reader),
    then made blocking again; the handle keeps ``path`` as its name."""
    descriptor = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0), 0o666)
    try:
        os.set_blocking(descriptor, True)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def _check_depth(document: object, where: str | os.PathLike[str], kind: str) -> None:
    """FileRefused when ``document`` nests deeper than MAX_DEPTH (walked without recursion,
    so whatever reads the document later cannot run out of stack either)."""
    level: list[object] = [document]
    for _ in range(MAX_DEPTH + 1):
        level = [child for node in level for child in _children(node)]
        if not level:
            return
    raise FileRefused("too-deep", where, depth=MAX_DEPTH, format=kind)


def _children(node: object) -> list[object]:
    if isinstance(node, Mapping):
        return list(node.values())
    if isinstance(node, list):
        return node
    return []

