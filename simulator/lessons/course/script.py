"""Lesson scripts: command lines with the directives ``smtp-sim run`` scripts use.

``# text`` is narration (never sent, in DATA too, as ``smtp-sim run`` reads it), ``:eol lf`` /
``:eol crlf`` switch the line ending, ``:pause SECONDS`` waits (on the lesson's clock, so an
idle timeout or a greylisting delay can pass), ``:reconnect`` opens a new session, and the
lines between ``:pipeline`` and ``:end`` leave in one write (RFC 2920). Anything
else is sent as typed plus the line ending. Lines are read by the one script reader,
:mod:`simulator.lessons.script` (its ``COURSE`` dialect); this module says what each means to
a lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import script as reader
from ..script import EOLS as EOLS
from ..script import MAX_PAUSE as MAX_PAUSE
from ..ui import text


@dataclass(frozen=True, slots=True)
class Send:
    text: str


Narrate = reader.Narration
"""``# text``: shown, never sent (``Narrate.text``)."""


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
    the English ``str()`` (ui [script] ``lint-KEY``) is for the course linter's report.
    """

    def __init__(self, key: str, argument: str) -> None:
        super().__init__(text(f"script.lint-{key}", "en", argument=argument))
        self.key = key
        self.argument = argument


def parse_directive(line: str, *, in_data: bool = False) -> Directive:
    """One script line -> what to do with it. Raises ScriptError for a bad directive."""
    match reader.read_line(line, reader.COURSE, in_data=in_data):
        case reader.Narration() as narration:
            return narration
        case reader.Directive(name="eol", argument=argument):
            return SetEol(argument)
        case reader.Directive(name="pause", argument=argument):
            return Pause(float(argument))
        case reader.Directive(name="reconnect"):
            return Reconnect()
        case reader.Malformed(name=name, argument=argument):
            raise ScriptError(f"bad-{name}", argument)
    return Send(line)


def check_script(lines: tuple[str, ...]) -> list[str]:
    """The problems in a script's directives (by line number), without running it."""
    problems = []
    group: int | None = None
    """The line of a ``:pipeline`` not yet closed by ``:end``."""
    for number, line in enumerate(lines, 1):
        try:
            parse_directive(line)
        except ScriptError as err:
            problems.append(text("script.lint-line", "en", number=number, problem=err))
        reading = reader.read_line(line, reader.COURSE)
        if isinstance(reading, reader.Directive) and reading.name in ("pipeline", "end"):
            group = number if reading.name == "pipeline" else None
    if group is not None:
        problems.append(text("script.lint-line", "en", number=group,
                             problem=text("script.lint-pipeline-open", "en")))
    return problems
