"""Lesson scripts: command lines with the directives ``smtp-sim run`` scripts use.

``# text`` is narration (never sent, in DATA too, as ``smtp-sim run`` reads it), ``:eol lf`` /
``:eol crlf`` switch the line ending, ``:pause SECONDS`` waits (on the lesson's clock, so an
idle timeout or a greylisting delay can pass), ``:reconnect`` opens a new session. Anything
else is sent as typed plus the line ending.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

EOLS: Final = {"crlf": b"\r\n", "lf": b"\n"}
MAX_PAUSE: Final = 3600.0
"""The longest ``:pause``: longer than any idle timeout or greylisting delay a lesson needs."""


@dataclass(frozen=True, slots=True)
class Send:
    text: str


@dataclass(frozen=True, slots=True)
class Narrate:
    text: str


@dataclass(frozen=True, slots=True)
class SetEol:
    eol: str


@dataclass(frozen=True, slots=True)
class Pause:
    seconds: float


@dataclass(frozen=True, slots=True)
class Reconnect:
    pass


Directive = Send | Narrate | SetEol | Pause | Reconnect


class ScriptError(ValueError):
    """A directive written wrongly (``:eol cr``, ``:pause soon``).

    ``key`` names the learner's message in ``ui.LANG.toml`` [learn] (``bad-eol``, ``bad-pause``);
    the English ``str()`` is for the course linter's report.
    """

    def __init__(self, key: str, english: str, argument: str) -> None:
        super().__init__(english)
        self.key = key
        self.argument = argument


def parse_directive(line: str, *, in_data: bool = False) -> Directive:
    """One script line -> what to do with it. Raises ScriptError for a bad directive."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return Narrate(stripped[1:].strip())
    if in_data and not stripped.startswith((":eol", ":pause", ":reconnect")):
        return Send(line)  # message text, exactly as typed
    name, _, argument = stripped.partition(" ")
    argument = argument.strip()
    if name == ":eol":
        if argument not in EOLS:
            raise ScriptError("bad-eol", f":eol takes {' or '.join(EOLS)}, not {argument!r}",
                              argument)
        return SetEol(argument)
    if name == ":pause":
        try:
            seconds = float(argument)
        except ValueError:
            seconds = math.nan
        if not 0 <= seconds <= MAX_PAUSE:  # NaN fails this too
            raise ScriptError("bad-pause", f":pause takes 0 to {MAX_PAUSE:g} seconds, not "
                              f"{argument!r}", argument)
        return Pause(seconds)
    if name == ":reconnect" and not argument:
        return Reconnect()
    return Send(line)


def check_script(lines: tuple[str, ...]) -> list[str]:
    """The problems in a script's directives (by line number), without running it."""
    problems = []
    for number, line in enumerate(lines, 1):
        try:
            parse_directive(line)
        except ScriptError as err:
            problems.append(f"line {number}: {err}")
    return problems
