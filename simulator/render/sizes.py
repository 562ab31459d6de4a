"""Sizes for people: ``512 B``, ``12 KiB``, ``1.5 MiB`` (binary units, the same in every
language, as the command-line options give them)."""

from __future__ import annotations

from typing import Final

UNITS: Final = ("B", "KiB", "MiB", "GiB", "TiB")


def binary_size(octets: int) -> str:
    """``octets`` in the largest unit it reaches: one decimal below 10, else whole."""
    value = float(octets)
    for unit in UNITS[:-1]:
        if value < 1024:
            break
        value /= 1024
    else:
        unit = UNITS[-1]
    if unit == "B":
        return f"{octets} B"
    shown = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{shown.removesuffix('.0')} {unit}"
