"""Reading the files users and teachers hand in, bounded (see :mod:`.bounded`): the layer
below every reader of such a file, above the engine, which reads none."""

from __future__ import annotations

from .bounded import (
    MAX_DEPTH,
    FileRefused,
    open_output,
    parse_json,
    parse_toml,
    read_bytes,
    read_json,
    read_text,
    read_toml,
)

__all__ = ["MAX_DEPTH", "FileRefused", "open_output", "parse_json", "parse_toml", "read_bytes",
           "read_json", "read_text", "read_toml"]
