"""The shipped lesson files, parsed once per version of the file, as Python keeps ``.pyc``.

Parsing a lesson file with tomllib takes about 10 ms (pure Python over 60 kB); the console
reads three before its first prompt (the greeting's code, its key, the UI words) and serve
one before it listens. Loading the same data from :mod:`marshal` takes a fiftieth of that.
So the parsed file is kept in ``__pycache__`` beside it, named by the file, a digest of its
text and the interpreter (``ui.en.toml.<digest>.cpython-311.marshal``): a changed file or
another Python never meets a stale copy, and a broken or unreadable copy is parsed again.
Writing is best effort (a read-only install is parsed each time) and follows Python's own
switch for bytecode (``PYTHONDONTWRITEBYTECODE``). Only the shipped files come here, never a
user's or a teacher's file.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any, Final

from simulator.files import FileRefused, parse_toml, read_bytes

CACHE_DIR: Final = "__pycache__"
MAX_CACHED: Final = 16 * 1024 * 1024
"""The largest cached copy read back (a copy is about the size of its TOML text)."""


def cached_path(path: Path, text: str) -> Path:
    """Where the parsed ``text`` of ``path`` is kept."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    tag = f"{sys.implementation.cache_tag}-m{marshal.version}"
    return path.parent / CACHE_DIR / f"{path.name}.{digest}.{tag}.marshal"


def parse_shipped(path: Path, text: str) -> dict[str, Any]:
    """``parse_toml(text)`` for the shipped file ``path``: from its cached copy when there is
    one, else parsed and the copy written. Raises as :func:`parse_toml` does."""
    kept = cached_path(path, text)
    try:
        document = marshal.loads(read_bytes(kept, MAX_CACHED))
    except (OSError, FileRefused, ValueError, EOFError, TypeError):
        document = None
    if isinstance(document, dict):
        return document
    document = parse_toml(text, path.name)
    if not sys.dont_write_bytecode:
        _write(kept, marshal.dumps(document))
    return document


def _write(kept: Path, data: bytes) -> None:
    """Best effort: a file of this process's own, renamed over, so a reader never sees half."""
    partial = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
    try:
        kept.parent.mkdir(exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, kept)
    except OSError:
        partial.unlink(missing_ok=True)
