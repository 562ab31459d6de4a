"""The shape of a ``:`` command, for parsing, completion and highlighting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MetaSpec:
    """One meta-command: its name, its usage line, and how many arguments it takes."""

    name: str
    usage: str
    min_args: int = 0
    max_args: int = 0
    choices: tuple[str, ...] = ()
