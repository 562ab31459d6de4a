"""The console's working state and its core move: send a typed line, show the explained reply.

No prompt_toolkit here (the prompt lives in ``app.py``): a :class:`ConsoleContext` can be
driven directly by tests and by the benchmark, and it writes the transcript to any text
stream, with ANSI colours or plain.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, TextIO

from simulator.client import (
    Answer,
    Connection,
    LocalConnection,
    SessionView,
    Step,
    TcpConnection,
    explain,
)
from simulator.faces.console.strings import text
from simulator.protocol import Policy, State
from simulator.protocol.memory import Memory
from simulator.render.transcript import (
    answer_fragments,
    explanation_fragments,
    notice_fragments,
    sent_fragments,
)

if TYPE_CHECKING:
    from simulator.server.store import MemoryStore

Fragments = list[tuple[str, str]]

EOLS: Final = {"crlf": b"\r\n", "lf": b"\n"}
MAX_ADDRESSES: Final = 20
_ADDRESS: Final = re.compile(r"(?i)^\s*(?:MAIL\s+FROM|RCPT\s+TO):\s*<([^<>\s]+)>")


def encode_line(line: str) -> bytes:
    """The bytes of a typed line, as typed: UTF-8, and undecodable input passed through."""
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        return line.encode("utf-8", "surrogateescape" if _escapable(line) else "surrogatepass")


def _escapable(line: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in line)


@dataclass
class ConsoleContext:
    """Everything the console knows between two prompts."""

    lang: str
    out: TextIO
    color: bool = False
    wrap: bool = False
    """Wrap at word boundaries to the terminal's current width (on a terminal)."""
    policy: Policy = field(default_factory=Policy)
    connect_to: tuple[str, int] | None = None
    eol: str = "crlf"
    raw: bool = False
    steps: list[Step] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    connection: Connection | None = None
    sessions: int = 0
    leaving: bool = False
    """Set while saying goodbye: no hint about reconnecting after the 221."""
    _store: MemoryStore | None = None
    memory: Memory = field(default_factory=Memory)
    """What the scenario remembers across :reconnect (greylisting, rate limits)."""

    # -- output ------------------------------------------------------------------------------

    def show(self, fragments: Fragments, *, wrap: bool = True) -> None:
        """Write fragments to the transcript (coloured when the terminal wants it).

        Wire lines are shown with ``wrap=False``: they stay one line each, as received.
        """
        from simulator.render import to_ansi, to_plain
        from simulator.render import wrap as wrapped

        if self.wrap and wrap:
            fragments = wrapped(fragments, shutil.get_terminal_size().columns - 1)
        self.out.write(to_ansi(fragments) if self.color else to_plain(fragments))
        self.out.flush()

    def say(self, key: str, style: str = "class:dim", **fields: object) -> None:
        """A console notice (never mistaken for server output: no direction marker)."""
        self.show([(style, text(key, self.lang, **fields) + "\n")])

    # -- the connection ----------------------------------------------------------------------

    def _new_connection(self) -> Connection:
        self.sessions += 1
        if self.connect_to is not None:
            return TcpConnection(*self.connect_to)
        if self._store is None:
            from simulator.server.store import MemoryStore

            self._store = MemoryStore()  # kept across :reconnect, so :mailbox keeps mail
        return LocalConnection(policy=self.policy, store=self._store,
                               session_id=f"S{self.sessions}", memory=self.memory)

    async def open(self) -> bool:
        """Open a session and show its greeting; False (after saying why) if impossible."""
        connection = self._new_connection()
        try:
            step = await connection.start()
        except OSError as err:
            peer = getattr(connection, "peer", "")
            self.say("connect-failed", "class:code.4xx", peer=peer, error=err.strerror or err)
            return False
        self.connection = connection
        if self.connect_to is not None:
            self.say("connected-to", peer=connection.peer)
        self.record(step)
        return True

    async def reconnect(self) -> bool:
        await self.close()
        opened = await self.open()
        if opened:
            self.say("reconnected")
        return opened

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.aclose()
            self.connection = None

    @property
    def closed(self) -> bool:
        return self.connection is None or self.connection.closed

    def view(self) -> SessionView:
        if self.connection is None:
            return SessionView(State.CLOSED, None, 0, 0)
        return self.connection.view()

    @property
    def in_data(self) -> bool:
        return self.view().state is State.DATA

    # -- sending -----------------------------------------------------------------------------

    async def send_line(self, line: str, *, eol: str | None = None) -> Step | None:
        """Send ``line`` as typed plus the line ending (``:eol``, unless ``eol`` says);
        show the replies and their explanations."""
        if self.connection is None or self.connection.closed:
            self.say("closed-not-sent")
            return None
        data = encode_line(line) + EOLS[eol or self.eol]
        in_data = self.in_data
        if not in_data:
            self._remember_address(line)
        step = await self.connection.send(data)
        self.record(step)
        if not step.answers and not in_data:
            self.say("no-reply")
        return step

    def record(self, step: Step) -> None:
        """Keep ``step`` for :save and :more, and show it."""
        self.steps.append(step)
        if step.sent is not None:
            self.show(sent_fragments(step.sent, raw=self.raw), wrap=False)
        for answer in step.answers:
            self.show(notice_fragments(answer, self.lang))
            self.show(answer_fragments(answer, raw=self.raw), wrap=False)
            self.show(explanation_fragments(explain(answer, self.lang)))
        if step.answers and self.closed and not self.leaving:
            self.say("closed", "class:code.4xx")

    def _remember_address(self, line: str) -> None:
        match = _ADDRESS.match(line)
        if match is None:
            return
        address = match.group(1)
        if address in self.addresses:
            self.addresses.remove(address)
        self.addresses.insert(0, address)
        del self.addresses[MAX_ADDRESSES:]

    def last_answer(self) -> Answer | None:
        for step in reversed(self.steps):
            if step.answers:
                return step.answers[-1]
        return None
