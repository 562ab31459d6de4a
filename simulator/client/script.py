"""Scripts: a file of command lines played against a server, line by line.

``smtp-sim run`` plays one, the console does the same when its input is not a terminal, and
the ``demo`` and ``learn`` faces reuse the format. A script line is one of:

- ``# text``: narration. Never sent; shown in the transcript (JSON: a ``"note"`` step).
- ``:eol crlf|lf``, ``:pause SECONDS``, ``:reconnect``, ``:lang LANG``: the console's
  meta-commands that make sense in a script. Outside DATA any other ``:`` line is refused
  (a notice, nothing sent); inside DATA a line that is not one of these is message text,
  as in the console.
- anything else: sent as written plus the line ending (CRLF unless ``:eol lf``).

Files are read as a stream (:func:`read_lines`): memory stays bounded by :data:`MAX_LINE`
whatever the file's size, and a longer line is cut there (the server refuses anything past
1000 octets anyway, RFC 5321 §4.5.3.1.6, so the reply is the same).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Final

import trio

from simulator.lessons.load import LANGS
from simulator.protocol import State

from .connection import Connection, Step

MAX_LINE: Final = 64 * 1024
"""Octets of one script line kept; the rest of a longer line is read and dropped."""
MAX_PAUSE: Final = 3600.0
"""The longest ``:pause`` (seconds): longer than any idle timeout a lesson needs."""
EOLS: Final = {"crlf": b"\r\n", "lf": b"\n"}
META: Final = ("eol", "pause", "reconnect", "lang")
"""The meta-commands a script may use."""


@dataclass(frozen=True, slots=True)
class Send:
    """A line to send (without its line ending); ``dropped`` octets were cut off its end."""

    line: bytes
    dropped: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    """Narration: shown, never sent."""

    text: str


@dataclass(frozen=True, slots=True)
class Meta:
    """A well-formed script meta-command: ``eol``, ``pause``, ``reconnect`` or ``lang``."""

    name: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class Refused:
    """A ``:`` line that is not a script meta-command: shown with why, never sent."""

    line: str
    key: str
    """The UI text saying why (``script.unknown-meta``, ``script.bad-arg``)."""


Item = Send | Note | Meta | Refused


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the player did or refused, for the transcript: a UI text key and fields."""

    key: str
    fields: tuple[tuple[str, str], ...] = ()


Event = Step | Note | Notice
"""What playing a script produces, in order: steps (sends and replies), notes, notices."""


def read_lines(stream: IO[bytes]) -> Iterator[Send]:
    """The lines of a binary stream, LF-separated, one trailing CR dropped, each at most
    :data:`MAX_LINE` octets (the rest counted in ``dropped``)."""
    while chunk := stream.readline(MAX_LINE):
        dropped = 0
        if not chunk.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                dropped += len(rest)
            dropped += max(len(rest) - 1, 0)
        yield Send(chunk.removesuffix(b"\n").removesuffix(b"\r"), dropped)


def split_lines(data: bytes) -> list[bytes]:
    """Command lines of a whole file: split at LF, one trailing CR dropped."""
    lines = [line.removesuffix(b"\r") for line in data.split(b"\n")]
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def parse_line(line: Send, *, in_data: bool) -> Item:
    """What one script line is: narration, a meta-command, a refused ``:`` line, or a send."""
    text = line.line.decode("utf-8", errors="surrogateescape")
    stripped = text.strip()
    if stripped.startswith("#"):
        return Note(stripped[1:].strip())
    if not stripped.startswith(":"):
        return line
    words = stripped[1:].split()
    meta = _meta(words)
    if isinstance(meta, Meta):
        return meta
    return line if in_data else Refused(text, meta)


def _meta(words: Sequence[str]) -> Meta | str:
    """The meta-command, or the key of the text that says why it is not one."""
    if not words or words[0].lower() not in META:
        return "script.unknown-meta"
    name, args = words[0].lower(), [w.lower() for w in words[1:]]
    valid = {"eol": len(args) == 1 and args[0] in EOLS,
             "lang": len(args) == 1 and args[0] in LANGS,
             "reconnect": not args,
             "pause": len(args) == 1 and _seconds(args[0]) is not None}[name]
    return Meta(name, args[0] if args else "") if valid else "script.bad-arg"


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value <= MAX_PAUSE else None


@dataclass
class Outcome:
    """How a script ended: lines left unsent after the server closed, and whether the
    last thing the server said was 354 (the file ended inside DATA)."""

    unsent: int = 0
    in_data: bool = False


class Player:
    """Plays script lines against connections made by ``connect`` (a fresh one for the
    start and each ``:reconnect``), handing every event to ``emit`` as it happens."""

    def __init__(self, connect: Callable[[], Connection], emit: Callable[[Event], None], *,
                 lang: str = LANGS[0]) -> None:
        self._connect = connect
        self._emit = emit
        self.lang = lang
        self.eol = "crlf"
        self.outcome = Outcome()
        self._connection: Connection | None = None

    async def play(self, lines: Iterable[Send]) -> Outcome:
        """Open a session, play every line, close; OSError when the server cannot be reached."""
        try:
            await self._open()
            for line in lines:
                await self._item(parse_line(line, in_data=self._in_data()))
        finally:
            await self._close()
        return self.outcome

    def _in_data(self) -> bool:
        return self._connection is not None and self._connection.view().state is State.DATA

    async def _open(self) -> None:
        self._connection = self._connect()
        step = await self._connection.start()
        self._step(step)

    async def _close(self) -> None:
        if self._connection is not None:
            await self._connection.aclose()

    def _step(self, step: Step) -> None:
        if step.answers:
            self.outcome.in_data = step.answers[-1].code == 354
        self._emit(step)

    async def _item(self, item: Item) -> None:
        match item:
            case Note():
                self._emit(item)
            case Refused(line=line, key=key):
                self._emit(Notice(key, (("line", line), ("names", _names()))))
            case Meta():
                await self._meta(item)
            case Send():
                await self._send(item)

    async def _send(self, item: Send) -> None:
        assert self._connection is not None
        if self._connection.closed:
            self.outcome.unsent += 1
            return
        if item.dropped:
            self._emit(Notice("script.line-cut", (("kept", str(len(item.line))),
                                                  ("dropped", str(item.dropped)))))
        in_data = self._in_data()
        self._step(await self._connection.send(item.line + EOLS[self.eol]))
        if (in_data and item.line.startswith(b".") and not item.line.startswith(b"..")
                and item.line != b"." and self.eol == "crlf"):
            shown = item.line[1:].decode("utf-8", "replace")[:60]
            self._emit(Notice("console.dot-stuffing", (("line", shown),)))

    async def _meta(self, item: Meta) -> None:
        if item.name == "eol":
            self.eol = item.arg
            self._emit(Notice(f"console.eol-{item.arg}"))
        elif item.name == "lang":
            self.lang = item.arg
            self._emit(Notice("console.lang-set"))
        elif item.name == "pause":
            self._emit(Notice("script.pause", (("seconds", item.arg),)))
            await trio.sleep(float(item.arg))
        else:
            await self._close()
            await self._open()
            self._emit(Notice("console.reconnected"))


def _names() -> str:
    return " ".join(f":{name}" for name in META)


async def play(lines: Iterable[bytes], *, connect: Callable[[], Connection],
               lang: str = LANGS[0]) -> tuple[list[Event], Outcome]:
    """Play ``lines`` and keep every event (tests and short scripts; ``run`` streams)."""
    events: list[Event] = []
    outcome = await Player(connect, events.append, lang=lang).play(Send(line) for line in lines)
    return events, outcome

