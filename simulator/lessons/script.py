"""Script lines: the one reader of the format ``smtp-sim run`` plays, that the demo and the
course read too.

A line is narration (``# text``, never sent, in message text too), a directive (``:name
argument``), or text to send as typed. The three readers differ only in the directives they
know and in what a wrongly written ``:`` line means; each is a :class:`Dialect` below
(:data:`RUN`, :data:`DEMO`, :data:`COURSE`), and :func:`read_line` reads a line in any of them.
Files are read as a stream (:func:`read_lines`): memory stays bounded by :data:`MAX_LINE`
whatever the file's size, and a longer line is cut there (the server refuses anything past
1000 octets anyway, RFC 5321 §4.5.3.1.6, so the reply is the same). Pure: no I/O of its own.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import IO, Final

from .load import LANGS

MAX_LINE: Final = 64 * 1024
"""Octets of one script line kept; the rest of a longer line is read and dropped."""
MAX_PAUSE: Final = 3600.0
"""The longest ``:pause`` (seconds): longer than any idle timeout or greylisting delay."""
CRLF: Final = b"\r\n"
LF: Final = b"\n"
EOLS: Final[Mapping[str, bytes]] = MappingProxyType({"crlf": CRLF, "lf": LF})
"""The line endings ``:eol`` chooses from."""


class Argument(enum.Enum):
    """What a directive takes after its name."""

    NONE = "none"
    """Nothing (``:reconnect``)."""
    EOL = "eol"
    """One of :data:`EOLS`."""
    SECONDS = "seconds"
    """A number of seconds from 0 to :data:`MAX_PAUSE`."""
    SECONDS_OR_NONE = "seconds-or-none"
    """The same, or nothing (a demo's ``:pause`` waits for a key)."""
    LANG = "lang"
    """One of :data:`simulator.lessons.load.LANGS`."""
    ANY = "any"
    """Any word at all, but something (a demo accepts and ignores ``:lang``)."""


class Problem(enum.Enum):
    """Why a ``:`` line is not a directive."""

    UNKNOWN = "unknown"
    """No directive has that name."""
    BAD_ARGUMENT = "bad-argument"
    """The name is known; what follows it is not what it takes."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """The directives one reader knows, and what a wrongly written one means there."""

    takes: Mapping[str, Argument]
    """Every directive by name, with what it takes."""
    in_data: frozenset[str]
    """The directives that stay directives inside message text (any other ``:`` line is text)."""
    fold_names: bool = False
    """Names are read in lower case (``:EOL lf``)."""
    fold_arguments: bool = False
    """Arguments are read in lower case (``:eol LF``)."""
    unknown_is_text: bool = False
    """An unknown ``:`` name is text to send, not a malformed line."""
    loose: frozenset[str] = frozenset()
    """Directives whose wrongly written form is text to send (``:reconnect now``)."""
    loose_in_data: bool = False
    """Inside message text a wrongly written directive is text, not a malformed line."""


RUN: Final = Dialect(
    takes=MappingProxyType({"eol": Argument.EOL, "pause": Argument.SECONDS,
                            "reconnect": Argument.NONE, "lang": Argument.LANG,
                            "pipeline": Argument.NONE, "end": Argument.NONE}),
    in_data=frozenset({"eol", "pause", "reconnect", "lang"}),
    fold_names=True, fold_arguments=True, loose_in_data=True)
"""``smtp-sim run`` and piped console input: ``:pipeline`` ... ``:end`` too (the console's
commands); a wrong ``:`` line is refused with a notice."""
DEMO: Final = Dialect(
    takes=MappingProxyType({"eol": Argument.EOL, "pause": Argument.SECONDS_OR_NONE,
                            "lang": Argument.ANY, "reconnect": Argument.NONE,
                            "pipeline": Argument.NONE, "end": Argument.NONE}),
    in_data=frozenset({"eol", "pause", "reconnect", "lang"}),
    fold_arguments=True)
"""``smtp-sim demo``: ``:pipeline`` ... ``:end`` too; a wrong ``:`` line stops the script."""
COURSE: Final = Dialect(
    takes=MappingProxyType({"eol": Argument.EOL, "pause": Argument.SECONDS,
                            "reconnect": Argument.NONE, "pipeline": Argument.NONE,
                            "end": Argument.NONE}),
    in_data=frozenset({"eol", "pause", "reconnect"}),
    unknown_is_text=True, loose=frozenset({"reconnect"}))
"""``smtp-sim learn``: other ``:`` lines are the lesson's own commands, or sent as typed."""


@dataclass(frozen=True, slots=True)
class Narration:
    """``# text``: shown, never sent."""

    text: str


@dataclass(frozen=True, slots=True)
class Directive:
    """A well-formed directive: its name and argument (empty when it takes none)."""

    name: str
    argument: str = ""


@dataclass(frozen=True, slots=True)
class Malformed:
    """A ``:`` line that is not a directive of the dialect: never sent, and why."""

    name: str
    argument: str
    problem: Problem


@dataclass(frozen=True, slots=True)
class Text:
    """A line to send as typed."""


TEXT: Final = Text()
Reading = Narration | Directive | Malformed | Text


def read_line(line: str, dialect: Dialect, *, in_data: bool = False) -> Reading:
    """What one script line is in ``dialect``; ``in_data``: it comes inside message text."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return Narration(stripped[1:].strip())
    if not stripped.startswith(":"):
        return TEXT
    name, argument = _split(stripped[1:], dialect)
    if in_data and name not in dialect.in_data:
        return TEXT  # message text, exactly as typed
    rule = dialect.takes.get(name)
    if rule is not None and _fits(rule, argument):
        return Directive(name, argument)
    if ((rule is None and dialect.unknown_is_text) or name in dialect.loose
            or (in_data and dialect.loose_in_data)):
        return TEXT
    return Malformed(name, argument, Problem.UNKNOWN if rule is None else Problem.BAD_ARGUMENT)


def _split(text: str, dialect: Dialect) -> tuple[str, str]:
    words = text.split(maxsplit=1)
    name, argument = [*words, "", ""][:2]
    if dialect.fold_names:
        name = name.lower()
    if dialect.fold_arguments:
        argument = argument.lower()
    return name, argument.strip()


def _fits(rule: Argument, argument: str) -> bool:
    match rule:
        case Argument.NONE:
            return not argument
        case Argument.EOL:
            return argument in EOLS
        case Argument.LANG:
            return argument in LANGS
        case Argument.ANY:
            return bool(argument)
        case Argument.SECONDS_OR_NONE:
            return not argument or seconds(argument) is not None
    return seconds(argument) is not None


def seconds(text: str) -> float | None:
    """A ``:pause`` argument as seconds, or None when it is not 0 to :data:`MAX_PAUSE`."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value <= MAX_PAUSE else None


def read_lines(stream: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """The lines of a binary stream, LF-separated, one trailing CR dropped, each at most
    :data:`MAX_LINE` octets, with the number of octets cut off its end."""
    while chunk := stream.readline(MAX_LINE):
        dropped = 0
        if not chunk.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                dropped += len(rest)
            dropped += max(len(rest) - 1, 0)
        yield chunk.removesuffix(b"\n").removesuffix(b"\r"), dropped


def split_lines(data: bytes) -> list[bytes]:
    """Command lines of a whole file: split at LF, one trailing CR dropped."""
    lines = [line.removesuffix(b"\r") for line in data.split(b"\n")]
    if lines and lines[-1] == b"":
        lines.pop()
    return lines
