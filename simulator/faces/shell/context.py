"""The console's working state and its core move: send a typed line, show the explained reply.

No prompt_toolkit here (the prompt lives in ``app.py``): a :class:`ConsoleContext` can be
driven directly by tests and by the benchmark, and it writes the transcript to any text
stream, with ANSI colours or plain.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol, TextIO

import trio

from simulator.client import (
    Answer,
    Connection,
    LocalConnection,
    SessionView,
    Step,
    TcpConnection,
)
from simulator.client.script import Notice
from simulator.faces.shell.detail import console_annotation, explanation_at
from simulator.faces.shell.signing import Signing
from simulator.lessons.ui import text
from simulator.protocol import MailFrom, Policy, RcptTo, State
from simulator.protocol.escape import show_text
from simulator.protocol.memory import Memory
from simulator.protocol.readers import command_of
from simulator.render.transcript import (
    RECEIVED,
    SENT,
    answer_fragments,
    notice_fragments,
    sent_fragments,
)

if TYPE_CHECKING:
    from simulator.server.secure import Prepared
    from simulator.server.store import MemoryStore, Usage

    from .guide import Guide

Fragments = list[tuple[str, str]]

EOLS: Final = {"crlf": b"\r\n", "lf": b"\n"}
CONNECT_WAIT: Final = 300.0
"""Seconds to wait for a real server's reply when the learner can stop waiting (Ctrl-C):
RFC 5321 §4.5.3.2's five minutes for a command's reply."""
class Waiter(Protocol):
    """Runs a send with a live "waiting" prompt over it (saying the UI text ``key``); None
    when the learner stopped it."""

    def __call__(self, send: Callable[[], Awaitable[Step]], key: str = ...,
                 ) -> Awaitable[Step | None]: ...



Pauser = Callable[[Callable[[], Awaitable[Step | None]]], Awaitable[Step | None]]
"""Runs a :pause's wait with the live prompt over it (Ctrl-C ends it early)."""
Pager = Callable[[list[tuple[str, str]]], Awaitable[None]]
"""Shows output a screenful at a time ("-- more --"), see faces/shell/pager.py."""
MAX_ADDRESSES: Final = 20


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
    security: Prepared | None = None
    """The built-in server's TLS certificate (``--tls``); its policy is ``policy``."""
    verify: bool = False
    """With --connect: refuse a certificate the system does not trust."""
    eol: str = "crlf"  # how typed lines end (:eol)
    raw: bool = False  # :raw shows CR and LF
    steps: list[Step | Notice] = field(default_factory=list)
    """The session for :save and :more: steps, and notices such as a change of :eol."""
    senders: list[str] = field(default_factory=list)
    """Senders the server accepted (250 to MAIL FROM), newest first, for completion."""
    recipients: list[str] = field(default_factory=list)
    """Recipients the server accepted (250/251 to RCPT TO), newest first."""
    connection: Connection | None = None
    sessions: int = 0
    detail: str = "auto"
    """``:detail``: full, brief, none, or auto (full the first time a reply key is seen in
    this session, brief after that)."""
    explained: set[str] = field(default_factory=set)
    leaving: str = ""
    """Set while saying goodbye (``ctrl-d`` or ``quit``): the console sent that QUIT, and no
    hint about reconnecting follows the 221."""
    _store: MemoryStore | None = None
    memory: Memory = field(default_factory=Memory)
    """What the scenario remembers across :reconnect (greylisting, rate limits)."""
    waiter: Waiter | None = None
    """Over ``--connect``: how a send waits (see faces/shell/waiting.py); None waits
    quietly (the built-in server answers at once, and tests drive the context directly)."""
    held: list[Fragments] = field(default_factory=list)
    """Said during a send while the waiting prompt is up: shown when it is gone."""
    idle_timeout: float | None = None
    """The built-in server's idle timeout in seconds (a lesson's); None waits for ever."""
    pauser: Pauser | None = None
    """How :pause waits (the console's live prompt, so Ctrl-C stops it); None: quietly."""
    guide: Guide | None = None
    """A lesson's guide (see guide.py): it sees every step shown and adds its commands."""
    pipeline: list[bytes] | None = None
    """Between ``:pipeline`` and ``:end``: the lines held, to leave in one write (RFC 2920)."""
    signing: Signing = field(default_factory=Signing)
    """``:dkim sign``: the signer, and the message lines held until the dot."""
    pager: Pager | None = None
    """How long output (:help, :state) is shown on a terminal; None: all at once."""

    def show(self, fragments: Fragments, *, wrap: bool = True, hang: int | None = None) -> None:
        """Write fragments to the transcript (coloured when the terminal wants it).

        Wire lines are shown with ``hang`` set to their marker's width: a long one breaks
        between words and goes on under its text, so the marker column stays clear.
        """
        from simulator.render import to_ansi, to_plain
        from simulator.render import wrap as wrapped

        if self.wrap and wrap:
            fragments = wrapped(fragments, shutil.get_terminal_size().columns - 1, hang=hang)
        self.out.write(to_ansi(fragments) if self.color else to_plain(fragments))
        self.out.flush()

    async def page(self, fragments: Fragments, *, wrap: bool = True) -> None:
        """Show ``fragments`` as :meth:`show` does, a screenful at a time when taller than
        the screen and the console has a pager."""
        from simulator.render import wrap as wrapped

        if self.wrap and wrap:
            fragments = wrapped(fragments, shutil.get_terminal_size().columns - 1)
        if self.pager is None:
            self.show(fragments, wrap=False)
        else:
            await self.pager(fragments)

    def say(self, key: str, style: str = "class:dim", **fields: object) -> None:
        """A console notice (never mistaken for server output: no direction marker)."""
        self.show([(style, text(f"console.{key}", self.lang, **fields) + "\n")])

    def say_not_sent(self) -> None:
        """Why a line was not sent: the server closed the session, or (over ``--connect``)
        there is no connection at all, and how to get one."""
        if self.connection is None and self.connect_to is not None:
            host, port = self.connect_to
            self.say("not-connected", peer=f"{host}:{port}")
        else:
            self.say("closed-not-sent")

    # -- the connection ----------------------------------------------------------------------

    def _retrying(self, problem: str) -> None:
        """Said before --connect connects again without verification (untrusted certificate);
        while the waiting prompt holds the terminal, as soon as it is gone (written under
        it, the sentence ran on from the prompt's line and wrapped mid-word)."""
        said = [("class:code.4xx", text("tls.retrying", self.lang, problem=show_text(problem))
                 + "\n")]
        if self.waiter is not None:
            self.held.append(said)
        else:
            self.show(said)

    def _new_connection(self) -> Connection:
        self.sessions += 1
        if self.connect_to is not None:
            wait = CONNECT_WAIT if self.waiter is not None else None
            return TcpConnection(*self.connect_to, verify=self.verify, reply_wait=wait,
                                 on_retry=self._retrying)
        if self._store is None:
            from simulator.server.store import MemoryStore

            self._store = MemoryStore()  # kept across :reconnect, so :mailbox keeps mail
        security = self.security
        files = None if security is None else security.files
        from simulator.server.deadlines import NO_LIMITS, Timeouts

        timeouts = NO_LIMITS if self.idle_timeout is None else Timeouts(self.idle_timeout)
        return LocalConnection(policy=self.policy, store=self._store,
                               session_id=f"S{self.sessions}", memory=self.memory,
                               tls=None if security is None else security.context,
                               ca=None if files is None else str(files.ca or files.cert),
                               timeouts=timeouts)

    async def open(self) -> bool:
        """Open a session and show its greeting; False (after saying why) if impossible.

        While it opens, ``connection`` is the new one (its view says it is connecting, and
        the toolbar shows that); after a failure, or a Ctrl-C that stopped the wait, it is
        None: not connected, and Enter or ``:reconnect`` tries again."""
        connection = self.connection = self._new_connection()
        try:
            step = await self._waited(connection.start, None, "console.connecting")
        except OSError as err:
            from simulator.client.errors import connect_error

            self.connection = None
            message = connect_error(err, getattr(connection, "peer", ""), self.lang)
            self.show([("class:code.4xx", message + "\n")])
            self.say("connect-again")
            return False
        if step.stopped:  # Ctrl-C while connecting: give the half-open connection up
            self.connection = None
            await connection.aclose()
            self.say("stopped-connecting")
            self.say("connect-again")
            return False
        if self.connect_to is not None:
            self.say("connected-to", peer=connection.peer)
        self.record(step)
        return True

    def store_usage(self) -> Usage | None:
        """How full the built-in server's store is (None over ``--connect``)."""
        if self.connect_to is not None or self._store is None:
            return None
        return self._store.usage()

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
            self.say_not_sent()
            return None
        in_data = self.in_data
        data = encode_line(line) + EOLS[eol or self.eol]
        connection = self.connection
        if in_data and self.signing.signer is not None:  # :dkim sign (signing.py)
            signed = self.signing.take(line)
            if signed is None:
                if len(self.signing.held) == 1:
                    self.say("dkim-holding")
                return None
            for text_line in signed:  # shown line by line, as if typed
                self.record(await self._waited(functools.partial(connection.send, text_line),
                                               text_line))
        step = await self._waited(lambda: connection.send(data), data)
        if not in_data:
            self._remember_address(line, step)
        self.record(step)
        if in_data and line.startswith(".") and not line.startswith("..") and line != "." \
                and self.eol == "crlf":
            # RFC 5321 §4.5.2: the server drops the first dot of a text line
            self.say("dot-stuffing", "class:why", line=show_text(line[1:], limit=60))
        if step.stopped:
            self.say("stopped-waiting")
        elif not step.answers and not in_data:
            self.say("no-reply")
        return step

    async def send_data(self, data: bytes) -> Step:
        """Send ``data`` as it is, in one write (a ``:pipeline`` group of lines), and show
        every reply, each explained."""
        connection = self.connection
        assert connection is not None
        step = await self._waited(lambda: connection.send(data), data)
        self.record(step)
        return step

    async def pause(self, seconds: float) -> None:
        """Let ``seconds`` pass; a reply the server sends meanwhile (an idle timeout's 421)
        ends the pause and is shown."""
        self.say("pausing", seconds=f"{seconds:g}")
        connection = self.connection

        async def wait() -> Step | None:
            if isinstance(connection, LocalConnection) and not connection.closed:
                with trio.move_on_after(seconds):
                    return await connection.wait_unsolicited()
                return None
            await trio.sleep(seconds)
            return None

        step = await (wait() if self.pauser is None else self.pauser(wait))
        if step is not None and step.answers:
            self.record(step)

    async def unsolicited(self) -> None:
        """Show what the built-in server said unasked since the last line (an idle
        timeout's 421), if anything."""
        connection = self.connection
        if isinstance(connection, LocalConnection) and not connection.closed:
            with trio.move_on_after(0.05):
                step = await connection.wait_unsolicited()
                if step.answers:
                    self.record(step)

    async def _waited(self, send: Callable[[], Awaitable[Step]], data: bytes | None,
                      key: str = "console.waiting") -> Step:
        """``send()``, through the waiter when there is one; a stopped wait is a Step with
        no replies (a late reply shows up with the next one)."""
        if self.waiter is None:
            return await send()
        before = self.view().state if self.connection is not None else State.CONNECTED
        try:
            step = await self.waiter(send, key)
        finally:  # what the send had to say while the waiting prompt was up
            for said in self.held:
                self.show(said)
            self.held.clear()
        if step is None:
            step = Step(data, (), before, stopped=True)
        return step

    def record(self, step: Step) -> None:
        """Keep ``step`` for :save and :more, and show it."""
        self.steps.append(step)
        if step.sent is not None:
            self.show(sent_fragments(step.sent, raw=self.raw), hang=len(SENT))
        for answer in step.answers:
            self.show(notice_fragments(answer, self.lang))
            self.show(answer_fragments(answer, raw=self.raw), hang=len(RECEIVED))
            self.show(explanation_at(self, console_annotation(self, answer), answer))
            if answer.problem:
                self.show([("class:code.5xx", text(answer.problem, self.lang) + "\n")])
        if step.tls is not None or step.tls_refused is not None:
            from simulator.faces.shell.tlsview import tls_fragments

            self.show(tls_fragments(step, self.lang))
        if self.guide is not None:
            self.guide.observe(self, step)
        if step.answers and self.closed and not self.leaving and not self._guide_done():
            if step.answers[-1].code == 221:  # the learner's own QUIT: how to go on or leave
                self.say("closed-quit")
            else:
                self.say("closed", "class:code.4xx")

    def _guide_done(self) -> bool:
        """A finished lesson: Enter is the guide's (the next lesson), not a reconnect."""
        return self.guide is not None and self.guide.done

    def _remember_address(self, line: str, step: Step) -> None:
        """Keep an address the server accepted, as a sender or as a recipient."""
        if not step.answers or step.answers[0].code not in (250, 251):
            return
        exchange = step.answers[0].exchange  # the engine's parse; a remote server sends none
        command = exchange.command if exchange is not None else command_of(line)
        if not isinstance(command, MailFrom | RcptTo) or not command.path:
            return
        address = command.path
        found = self.senders if isinstance(command, MailFrom) else self.recipients
        if address in found:
            found.remove(address)
        found.insert(0, address)
        del found[MAX_ADDRESSES:]

    def last_answer(self) -> Answer | None:
        for step in reversed(self.steps):
            if isinstance(step, Step) and step.answers:
                return step.answers[-1]
        return None
