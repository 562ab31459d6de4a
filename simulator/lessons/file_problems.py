"""The problems found in one teacher's file, each naming the file, the rule and the field.

The readers of a scenario file's parts (its rules in scenario_check.py, its ``[later]`` in
scenario_later.py, its ``[dns]`` in zone_check.py, its ``[dkim]`` keys in dkim_keys.py) all
say what is wrong through this one record, which imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.protocol.patterns import MAX_PATTERN, PatternError

from .ui import text as ui_text


class FileProblems:
    """Collects the problems of one file (every one, not just the first), in one language."""

    def __init__(self, file: str, lang: str = "en") -> None:
        self.file = file
        self.lang = lang
        self.problems: list[str] = []

    def report(self, rule: str, field: str, what: str) -> None:
        where = f"rule {rule!r}: " if rule else ""
        self.problems.append(f"{self.file}: {where}{field}: {what}")

    def say(self, rule: str, field: str, key: str, **fields: object) -> None:
        """Report a problem in the file's language (``scenario-file.KEY`` of the UI)."""
        self.report(rule, field, ui_text(f"scenario-file.{key}", self.lang, **fields))

    def unknown(self, rule: str, prefix: str, table: Mapping[str, Any],
                allowed: tuple[str, ...]) -> None:
        for name in table:
            if name not in allowed:
                self.report(rule, f"{prefix}{name}",
                            f"unknown field (known: {', '.join(allowed)})")

    def pattern_problem(self, rule: str, field: str, err: PatternError) -> None:
        """A pattern the linear engine refused, in words a teacher can act on."""
        if err.reason == "too-long":
            self.say(rule, field, "pattern-too-long", length=err.detail, limit=MAX_PATTERN)
        else:
            self.say(rule, field, f"regex-{err.reason}", error=err.detail)
