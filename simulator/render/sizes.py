"""Sizes for people: ``512 B``, ``12 KiB``, ``1.5 MiB`` (binary units, the same in every
language, as the command-line options give them)."""

from __future__ import annotations

from typing import Final

UNITS: Final = ("B", "KiB", "MiB", "GiB", "TiB")


def binary_size(octets: int) -> str:
    """``octets`` in the largest unit it reaches: one decimal below 10, else whole."""
    value, step = float(octets), 0
    while value >= 1024 and step < len(UNITS) - 1:
        value, step = value / 1024, step + 1
    unit = UNITS[step]
    if unit == "B":
        return f"{octets} B"
    shown = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{shown.removesuffix('.0')} {unit}"
