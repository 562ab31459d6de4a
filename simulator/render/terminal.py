"""Colour decisions for every face: colour only where a person reads it."""

from __future__ import annotations

import os
from typing import TextIO


def wants_color(stream: TextIO, *, no_color: bool = False) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR set (no-color.org)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
