"""The problems found in one course file (a lesson, a rubric), each ``file: field: what``.

The readers of a lesson's parts (load.py the lesson, setup.py its ``[setup]``) and of a
rubric (grading/rubric.py) all say what is wrong through this one record, which imports none
of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Problems:
    """Problems found in one file, each ``file: field: what``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.found.append(f"{self.name}: {where}: {what}" if where else f"{self.name}: {what}")

    def unknown(self, where: str, table: Mapping[str, Any], known: frozenset[str]) -> None:
        for name in sorted(set(table) - known):
            self.add(f"{where}.{name}" if where else name, "unknown field")
