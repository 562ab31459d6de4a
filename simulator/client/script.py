"""Scripts: a file of command lines played against a server, line by line.

``smtp-sim run`` plays one, the console does the same when its input is not a terminal, and
the ``demo`` and ``learn`` faces reuse the format. A script line is one of:

- ``# text``: narration. Never sent; shown in the transcript (JSON: a ``"note"`` step).
- ``:eol crlf|lf``, ``:pause SECONDS``, ``:reconnect``, ``:lang LANG``, ``:pipeline`` ...
  ``:end``: the console's meta-commands that make sense in a script (the lines between
  ``:pipeline`` and ``:end`` leave in one write, RFC 2920). Outside DATA any other ``:``
  line is refused (a notice, nothing sent); inside DATA a line that is not one of these is
  message text, as in the console.
- anything else: sent as written plus the line ending (CRLF unless ``:eol lf``).

Lines are read by the one script reader, :mod:`simulator.lessons.script` (its ``RUN``
dialect), streaming with each line capped at :data:`MAX_LINE`; this module plays them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Final

import trio

from simulator.lessons import script as reader
from simulator.lessons.load import LANGS
from simulator.lessons.script import EOLS as EOLS
from simulator.lessons.script import MAX_LINE as MAX_LINE
from simulator.lessons.script import MAX_PAUSE as MAX_PAUSE
from simulator.lessons.script import split_lines as split_lines
from simulator.protocol import State

from .connection import Connection, Step

META: Final = tuple(reader.RUN.takes)
"""The meta-commands a script may use."""


@dataclass(frozen=True, slots=True)
class Send:
    """A line to send (without its line ending); ``dropped`` octets were cut off its end."""

    line: bytes
    dropped: int = 0


Note = reader.Narration
"""Narration: shown, never sent (``Note.text``)."""
Meta = reader.Directive
"""A well-formed script meta-command: ``eol``, ``pause``, ``reconnect``, ``lang``,
``pipeline`` or ``end``, and its argument (``Meta.argument``)."""


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
    for line, dropped in reader.read_lines(stream):
        yield Send(line, dropped)


_REFUSALS: Final = {reader.Problem.UNKNOWN: "script.unknown-meta",
                    reader.Problem.BAD_ARGUMENT: "script.bad-arg"}
"""The UI text that says why a ``:`` line is refused."""


def parse_line(line: Send, *, in_data: bool) -> Item:
    """What one script line is: narration, a meta-command, a refused ``:`` line, or a send."""
    text = line.line.decode("utf-8", errors="surrogateescape")
    match reader.read_line(text, reader.RUN, in_data=in_data):
        case reader.Narration() | reader.Directive() as reading:
            return reading
        case reader.Malformed(problem=problem):
            return Refused(text, _REFUSALS[problem])
    return line


@dataclass
class Outcome:
    """How a script ended: lines left unsent after the server closed, and whether the
    last thing the server said was 354 (the file ended inside DATA)."""

    unsent: int = 0
    in_data: bool = False
    held: int = 0
    """Lines of a ``:pipeline`` group the file never closed with ``:end`` (never sent)."""


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
        self._held: list[bytes] | None = None
        """Between ``:pipeline`` and ``:end``: the lines to send in one write."""

    async def play(self, lines: Iterable[Send]) -> Outcome:
        """Open a session, play every line, close; OSError when the server cannot be reached."""
        try:
            await self._open()
            for line in lines:
                await self._item(parse_line(line, in_data=self._in_data()))
            if self._held:  # the file ended inside a group: say so; nothing was sent
                self._emit(Notice("run.pipeline-open", (("count", str(len(self._held))),)))
                self.outcome.held = len(self._held)
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
        if self._held is not None:
            self._held.append(item.line + EOLS[self.eol])
            return
        in_data = self._in_data()
        step = await self._connection.send(item.line + EOLS[self.eol])
        self._step(step)
        if not step.answers and not in_data and not self._connection.closed:
            self._emit(Notice("console.no-reply"))  # as the console says it: never silence
        if (in_data and item.line.startswith(b".") and not item.line.startswith(b"..")
                and item.line != b"." and self.eol == "crlf"):
            shown = item.line[1:].decode("utf-8", "replace")[:60]
            self._emit(Notice("console.dot-stuffing", (("line", shown),)))

    async def _meta(self, item: Meta) -> None:
        if item.name == "eol":
            self.eol = item.argument
            self._emit(Notice(f"console.eol-{item.argument}"))
        elif item.name == "lang":
            self.lang = item.argument
            self._emit(Notice("console.lang-set"))
        elif item.name in ("pipeline", "end"):
            await self._pipeline(item.name)
        elif item.name == "pause":
            self._emit(Notice("script.pause", (("seconds", item.argument),)))
            await trio.sleep(float(item.argument))
        else:
            await self._close()
            await self._open()
            self._emit(Notice("console.reconnected"))


    async def _pipeline(self, name: str) -> None:
        """``:pipeline`` holds the lines that follow; ``:end`` sends them in one write and
        the replies come back in order (RFC 2920 §3.2)."""
        held = self._held
        if name == "pipeline":
            self._held = held if held is not None else []
            self._emit(Notice("console.pipeline-already" if held is not None
                              else "console.pipeline-on"))
            return
        self._held = None
        if held is None:
            self._emit(Notice("console.pipeline-none"))
        elif not held:
            self._emit(Notice("console.pipeline-empty"))
        elif self._connection is not None and self._connection.closed:
            self.outcome.unsent += len(held)
        elif self._connection is not None:
            self._step(await self._connection.send(b"".join(held)))


def _names() -> str:
    return " ".join(f":{name}" for name in META)


async def play(lines: Iterable[bytes], *, connect: Callable[[], Connection],
               lang: str = LANGS[0]) -> tuple[list[Event], Outcome]:
    """Play ``lines`` and keep every event (tests and short scripts; ``run`` streams)."""
    events: list[Event] = []
    outcome = await Player(connect, events.append, lang=lang).play(Send(line) for line in lines)
    return events, outcome

