"""Lesson scripts: command lines with the directives ``smtp-sim run`` scripts use.

``# text`` is narration (outside DATA; in message text a ``#`` line is text), ``:eol lf`` /
``:eol crlf`` switch the line ending, ``:pause SECONDS`` waits (on the lesson's clock, so an
idle timeout or a greylisting delay can pass), ``:reconnect`` opens a new session. Anything
else is sent as typed plus the line ending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

EOLS: Final = {"crlf": b"\r\n", "lf": b"\n"}


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
    """A directive written wrongly (``:eol cr``, ``:pause soon``)."""


def parse_directive(line: str, *, in_data: bool = False) -> Directive:
    """One script line -> what to do with it. Raises ScriptError for a bad directive."""
    if line.startswith("#") and not in_data:
        return Narrate(line[1:].strip())
    name, _, argument = line.partition(" ")
    argument = argument.strip()
    if name == ":eol":
        if argument not in EOLS:
            raise ScriptError(f":eol takes {' or '.join(EOLS)}, not {argument!r}")
        return SetEol(argument)
    if name == ":pause":
        try:
            seconds = float(argument)
        except ValueError:
            raise ScriptError(f":pause takes a number of seconds, not {argument!r}") from None
        if not 0 <= seconds <= 3600:
            raise ScriptError(":pause takes 0 to 3600 seconds")
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
