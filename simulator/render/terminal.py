"""Colour decisions for every face: colour only where a person reads it."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def wants_color(stream: TextIO, *, no_color: bool = False) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR set (no-color.org)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream: TextIO) -> int | None:
    """The columns text written to ``stream`` may fill (one short of the terminal's width,
    as the console leaves, so a full line never makes the terminal wrap on its own), or
    None when it is not a terminal: a file or a pipe keeps one line per logical line."""
    try:
        if not stream.isatty():
            return None
        return os.get_terminal_size(stream.fileno()).columns - 1
    except (AttributeError, OSError, ValueError):
        return None


SIGPIPE_STATUS = 128 + 13
"""The exit status of a Unix tool whose reader went away (``| head``)."""


def reader_gone() -> int:
    """Whoever read standard output stopped: stop quietly, as a Unix tool killed by SIGPIPE
    would (nothing on stderr), and keep Python from complaining when it flushes at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return SIGPIPE_STATUS
