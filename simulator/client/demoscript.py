"""Demo scripts: a ``run`` file read as a sequence of steps for a projector.

A script is what ``smtp-sim run`` already plays (one command line per line, ``#`` lines of
narration, the ``:eol``, ``:pause``, ``:reconnect`` and ``:lang`` lines), read for a demo:

- ``# text``: narration (anywhere, never sent), shown as the caption of the step after it;
- ``#: key = value`` lines at the top: a TOML header (``title``, and the server setup:
  ``accept_bare_lf``, ``max_size``, ``scenario``, ``tls``, ``auth``); a companion file with
  the same name and ``.toml`` in place of the script's suffix may hold the same;
- ``:eol lf`` / ``:eol crlf``: how the following lines are ended (bare LF is a lesson);
- ``:pause [SECONDS]``: autoplay stops before the next step and waits for a key;
- ``:lang LANG``: accepted and ignored (the presenter's ``l`` key chooses);
- ``:reconnect``: a step of its own: close the session and open a fresh one;
- ``:pipeline`` ... ``:end``: the lines between are sent in one write (RFC 2920).

After a ``DATA`` line, the message text up to and including the line holding only ``.``
is one step: the audience watches the text typed out, then sees the one reply it earns.
Inside message text a ``:`` line other than those four is text. Everything else is sent as
typed, blank lines included. Pure: no I/O here.
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from simulator.files import FileRefused, parse_toml
from simulator.lessons import script as reader
from simulator.lessons.load import LANGS
from simulator.lessons.script import CRLF as CRLF
from simulator.lessons.script import EOLS as EOLS
from simulator.lessons.script import LF as LF
from simulator.lessons.ui import text as ui_text

SETUP_KEYS: Final = ("accept_bare_lf", "max_size", "scenario", "seed", "tls", "auth", "hostname")
"""What a header may ask of the built-in server."""
HEADER_KEYS: Final = ("title", "summary", "order", *SETUP_KEYS)
"""``title`` and ``summary`` are text, or a table of text per language."""



class DemoScriptError(ValueError):
    """A script that cannot be played: says which line and what is wrong with it.

    ``key`` names the sentence in ``ui.LANG.toml`` [demoscript] (or, with a dot, any table's:
    ``files.too-large`` for a file the bounded reader refused), ``fields`` fill it;
    :meth:`text` says it in the presenter's language, ``str()`` in English."""

    def __init__(self, key: str, /, **fields: object) -> None:
        self.key = key
        self.fields: Mapping[str, str] = MappingProxyType({name: str(value)
                                                           for name, value in fields.items()})
        super().__init__(self.text(LANGS[0]))

    def text(self, lang: str) -> str:
        key = self.key if "." in self.key else f"demoscript.{self.key}"
        return ui_text(key, lang, **self.fields)

    @classmethod
    def refused(cls, refused: FileRefused) -> DemoScriptError:
        """The demo's error for a file (script, companion, header) the reader refused."""
        return cls(f"files.{refused.reason}", **refused.fields)


class StepKind(enum.Enum):
    """What a step does."""

    SEND = "send"
    """Type lines and send each (or all at once when pipelined)."""
    RECONNECT = "reconnect"
    """Close the session and open a new one (its greeting is the step's reply)."""
    NOTE = "note"
    """Narration alone, with nothing sent (narration after the last command)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line to type: its text and the line ending it is sent with."""

    text: str
    eol: bytes = CRLF

    def wire(self) -> bytes:
        return self.text.encode("utf-8", errors="surrogateescape") + self.eol


@dataclass(frozen=True, slots=True)
class DemoStep:
    """One key press of the presenter."""

    kind: StepKind
    lines: tuple[Line, ...] = ()
    caption: str = ""
    pause: bool = False
    """Autoplay stops before this step."""
    pipelined: bool = False

    def marker(self, number: int) -> str:
        """The step's name in a recording's list of markers: its number and the first line of
        its narration (never a sent line: it may hold a password the projector masks)."""
        lines = self.caption.strip().splitlines()
        name = f"{number}. {lines[0]}" if lines else str(number)
        return name if len(name) <= MARKER_LENGTH else name[:MARKER_LENGTH - 1] + "…"


MARKER_LENGTH: Final = 72
"""Characters of a marker's name (asciinema's player lists them in a narrow menu)."""


@dataclass(frozen=True, slots=True)
class DemoScript:
    """A parsed script: its header and its steps."""

    steps: tuple[DemoStep, ...]
    header: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def title(self, lang: str) -> str:
        """The title in ``lang`` (a table per language, or one text); empty when none."""
        return header_text(self.header, "title", lang)

    def with_captions(self, captions: Sequence[str]) -> DemoScript:
        """The same steps with other narration (another language of a built-in demo)."""
        steps = tuple(_replace_caption(step, text) for step, text in zip(self.steps, captions,
                                                                        strict=True))
        return DemoScript(steps, self.header)


def _replace_caption(step: DemoStep, caption: str) -> DemoStep:
    return DemoStep(step.kind, step.lines, caption, step.pause, step.pipelined)


def header_text(header: Mapping[str, Any], name: str, lang: str) -> str:
    """A text field of a header: one string, or a table with one per language."""
    value = header.get(name, "")
    if isinstance(value, Mapping):
        value = value.get(lang, value.get("en", ""))
    return value if isinstance(value, str) else ""


def parse_header(text: str, where: str) -> Mapping[str, Any]:
    """A TOML header (from ``#:`` lines or a companion file), checked for unknown keys."""
    try:
        header = parse_toml(text, where)
    except tomllib.TOMLDecodeError as err:
        raise DemoScriptError("header-not-toml", where=where, error=err) from err
    except FileRefused as refused:  # nested past any header's need
        raise DemoScriptError.refused(refused) from None
    unknown = sorted(set(header) - set(HEADER_KEYS))
    if unknown:
        raise DemoScriptError("unknown-header-keys", where=where, keys=", ".join(unknown),
                              known=", ".join(HEADER_KEYS))
    return MappingProxyType(header)


class _Parser:
    """Reads the lines of a script into steps (see the module docstring)."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.steps: list[DemoStep] = []
        self.caption: list[str] = []
        self.pause = False
        self.eol = CRLF
        self.message: list[Line] | None = None
        self.pipeline: list[Line] | None = None

    def flush_step(self, kind: StepKind, lines: Sequence[Line], *, pipelined: bool = False,
                   ) -> None:
        caption = "\n".join(self.caption).strip()
        self.steps.append(DemoStep(kind, tuple(lines), caption, self.pause, pipelined))
        self.caption, self.pause = [], False

    def directive(self, name: str, argument: str, number: int, line: str) -> None:
        if name == "eol":
            self.eol = EOLS[argument]
        elif name == "pause":
            self.pause = True  # (run waits SECONDS; a presenter's key press ends a demo's)
        elif name == "reconnect":
            self._close_groups(number)
            self.flush_step(StepKind.RECONNECT, ())
        elif name == "pipeline":  # (inside message text it is text: see reader.DEMO)
            self.pipeline = []
        elif name == "end" and self.pipeline is not None:
            lines, self.pipeline = self.pipeline, None
            self.flush_step(StepKind.SEND, lines, pipelined=True)
            if lines and lines[-1].text.strip().upper() == "DATA":
                self.message = []  # the text that follows is one step, as after DATA
        elif name != "lang":  # (run's language switch; on a projector the l key decides)
            raise self.not_a_directive(number, line)

    def not_a_directive(self, number: int, line: str) -> DemoScriptError:
        return DemoScriptError("not-a-directive", where=self.where, number=number,
                               line=repr(line.strip()))

    def command(self, text: str) -> None:
        line = Line(text, self.eol)
        if self.pipeline is not None:
            self.pipeline.append(line)
        elif self.message is not None:
            self.message.append(line)
            if text == "." and line.eol == CRLF:
                lines, self.message = self.message, None
                self.flush_step(StepKind.SEND, lines)
        elif text.strip().upper() == "DATA":
            self.message = [line]
        else:
            self.flush_step(StepKind.SEND, (line,))

    def _close_groups(self, number: int) -> None:
        if self.pipeline is not None:
            raise DemoScriptError("pipeline-open", where=self.where, number=number)
        if self.message is not None:
            lines, self.message = self.message, None
            self.flush_step(StepKind.SEND, lines)

    def finish(self, number: int) -> None:
        self._close_groups(number)
        if self.caption:
            self.flush_step(StepKind.NOTE, ())


def parse_script(text: str, *, where: str = "script", companion: str | None = None,
                 companion_where: str | None = None) -> DemoScript:
    """Parse a script's text; ``companion`` is the text of its ``.toml`` file, if any
    (``companion_where``: that file's name, for messages)."""
    header_lines: list[str] = []
    parser = _Parser(where)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    in_header = True
    for number, raw in enumerate(lines, start=1):
        line = raw.removesuffix("\r")
        if in_header and line.startswith("#:"):
            header_lines.append(line[2:].strip())
            continue
        in_header = False
        match reader.read_line(line, reader.DEMO, in_data=parser.message is not None):
            case reader.Narration(text=caption):  # never sent (as smtp-sim run reads it)
                parser.caption.append(caption)
            case reader.Directive(name=name, argument=argument):
                parser.directive(name, argument, number, line)
            case reader.Malformed():
                raise parser.not_a_directive(number, line)
            case reader.Text():
                parser.command(line)
    parser.finish(len(lines))
    header: dict[str, Any] = {}
    if companion is not None:
        header.update(parse_header(companion, companion_where or f"{where} (companion .toml)"))
    if header_lines:
        header.update(parse_header("\n".join(header_lines), where))
    return DemoScript(tuple(parser.steps), MappingProxyType(header))


def same_actions(one: DemoScript, other: DemoScript) -> bool:
    """True when two scripts send the same lines in the same steps (captions aside)."""
    def shape(script: DemoScript) -> list[tuple[object, ...]]:
        return [(s.kind, s.lines, s.pause, s.pipelined) for s in script.steps]

    return shape(one) == shape(other)
