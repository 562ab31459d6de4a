"""The console's working state and its core move: send a typed line, show the explained reply.

No prompt_toolkit here (the prompt lives in ``app.py``): a :class:`ConsoleContext` can be
driven directly by tests and by the benchmark, and it writes the transcript to any text
stream, with ANSI colours or plain. It is made of parts, each with one job: the settings it
was started with (frozen, ``link.py``), the link to the server (``link.py``), the screen
(``terminal.py``, the :class:`~.screen.Screen` a guide is handed), the transcript (the steps
shown and what was explained), and what the learner is typing (``:eol``, ``:pipeline``,
``:dkim sign``, the addresses accepted for completion).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final, TextIO

import trio

from simulator.client.connection import Answer, SessionView, Step
from simulator.client.local import LocalConnection
from simulator.client.script import Notice
from simulator.faces.shell.detail import Explaining, console_annotation, explanation_at
from simulator.faces.shell.signing import Signing
from simulator.lessons.ui import text
from simulator.protocol import MailFrom, RcptTo, State
from simulator.protocol.escape import show_text
from simulator.protocol.readers import command_of
from simulator.render.transcript import (
    RECEIVED,
    SENT,
    answer_fragments,
    notice_fragments,
    sent_fragments,
)

from .guide import Guide
from .link import CONNECT_WAIT, ConsoleSettings, ServerLink
from .screen import Fragments
from .terminal import Live, Terminal

EOLS: Final = {"crlf": b"\r\n", "lf": b"\n"}
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
class Transcript:
    """What the console has shown: the steps (for :save and :more) and what was explained
    (kept for the whole run, see :class:`~.detail.Explaining`)."""

    steps: list[Step | Notice] = field(default_factory=list)
    """The session's steps, and notices such as a change of :eol."""
    told: Explaining = field(default_factory=Explaining)

    def last_answer(self) -> Answer | None:
        for step in reversed(self.steps):
            if isinstance(step, Step) and step.answers:
                return step.answers[-1]
        return None


class ConsoleContext:
    """Everything the console knows between two prompts."""

    def __init__(self, settings: ConsoleSettings, out: TextIO, *, guide: Guide | None = None,
                 told: Explaining | None = None, live: Live | None = None) -> None:
        """``told``: what earlier runs explained (the course's previous lessons); ``live``:
        the live prompt's parts (``app.py``), None to wait quietly and show all at once."""
        self.settings = settings
        self.link = ServerLink(settings)
        self.screen = Terminal(out, settings.lang, lambda: self.link.in_data,
                               color=settings.color, wrap=settings.wrap, live=live)
        self.transcript = Transcript(told=Explaining() if told is None else told)
        self.guide = guide
        """A lesson's guide (see guide.py): it sees every step shown, on :attr:`screen`."""
        self.eol = "crlf"  # how typed lines end (:eol)
        self.raw = False  # :raw shows CR and LF
        self.pipeline: list[bytes] | None = None
        """Between ``:pipeline`` and ``:end``: the lines held, to leave in one write
        (RFC 2920)."""
        self.signing = Signing()
        """``:dkim sign``: the signer, and the message lines held until the dot."""
        self.senders: list[str] = []
        """Senders the server accepted (250 to MAIL FROM), newest first, for completion."""
        self.recipients: list[str] = []
        """Recipients the server accepted (250/251 to RCPT TO), newest first."""
        self.leaving = ""
        """Set while saying goodbye (``ctrl-d`` or ``quit``): the console sent that QUIT, and
        no hint about reconnecting follows the 221."""

    # -- the screen ---------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.screen.lang

    def show(self, fragments: Fragments, *, wrap: bool = True, hang: int | None = None) -> None:
        """Write fragments to the transcript (see :meth:`Terminal.show`)."""
        self.screen.show(fragments, wrap=wrap, hang=hang)

    async def page(self, fragments: Fragments, *, wrap: bool = True) -> None:
        await self.screen.page(fragments, wrap=wrap)

    def say(self, key: str, style: str = "class:dim", **fields: object) -> None:
        """A console notice (never mistaken for server output: no direction marker)."""
        self.screen.say(key, style, **fields)

    def say_not_sent(self) -> None:
        """Why a line was not sent: the server closed the session, or (over ``--connect``)
        there is no connection at all, and how to get one."""
        connect_to = self.settings.connect_to
        if self.link.connection is None and connect_to is not None:
            host, port = connect_to
            self.say("not-connected", peer=f"{host}:{port}")
        else:
            self.say("closed-not-sent")

    # -- the connection ----------------------------------------------------------------------

    def _retrying(self, problem: str) -> None:
        """Said before --connect connects again without verification (untrusted
        certificate)."""
        self.screen.tell([("class:code.4xx", text("tls.retrying", self.lang,
                                                  problem=show_text(problem)) + "\n")])

    async def open(self) -> bool:
        """Open a session and show its greeting; False (after saying why) if impossible.

        While it opens, the link's connection is the new one (its view says it is
        connecting, and the toolbar shows that); after a failure, or a Ctrl-C that stopped
        the wait, it is None: not connected, and Enter or ``:reconnect`` tries again."""
        link = self.link
        wait = CONNECT_WAIT if self.screen.waits_live else None
        connection = link.connection = link.new_connection(reply_wait=wait,
                                                           on_retry=self._retrying)
        try:
            step = await self._waited(connection.start, None, "console.connecting")
        except OSError as err:
            from simulator.client.errors import connect_error

            link.connection = None
            message = connect_error(err, getattr(connection, "peer", ""), self.lang)
            self.show([("class:code.4xx", message + "\n")])
            self.say("connect-again")
            return False
        if step.stopped:  # Ctrl-C while connecting: give the half-open connection up
            link.connection = None
            await connection.aclose()
            self.say("stopped-connecting")
            self.say("connect-again")
            return False
        if link.remote:
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
        await self.link.close()

    @property
    def closed(self) -> bool:
        return self.link.closed

    def view(self) -> SessionView:
        return self.link.view()

    @property
    def in_data(self) -> bool:
        return self.link.in_data

    # -- sending -----------------------------------------------------------------------------

    async def send_line(self, line: str, *, eol: str | None = None) -> Step | None:
        """Send ``line`` as typed plus the line ending (``:eol``, unless ``eol`` says);
        show the replies and their explanations."""
        connection = self.link.connection
        if connection is None or connection.closed:
            self.say_not_sent()
            return None
        in_data = self.in_data
        data = encode_line(line) + EOLS[eol or self.eol]
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
        connection = self.link.connection
        assert connection is not None
        step = await self._waited(lambda: connection.send(data), data)
        self.record(step)
        return step

    async def pause(self, seconds: float) -> None:
        """Let ``seconds`` pass; a reply the server sends meanwhile (an idle timeout's 421)
        ends the pause and is shown."""
        self.say("pausing", seconds=f"{seconds:g}")
        connection = self.link.connection

        async def wait() -> Step | None:
            if isinstance(connection, LocalConnection) and not connection.closed:
                with trio.move_on_after(seconds):
                    return await connection.wait_unsolicited()
                return None
            await trio.sleep(seconds)
            return None

        step = await self.screen.pause(wait)
        if step is not None and step.answers:
            self.record(step)

    async def unsolicited(self) -> None:
        """Show what the built-in server said unasked since the last line (an idle
        timeout's 421), if anything."""
        connection = self.link.connection
        if isinstance(connection, LocalConnection) and not connection.closed:
            with trio.move_on_after(0.05):
                step = await connection.wait_unsolicited()
                if step.answers:
                    self.record(step)

    async def _waited(self, send: Callable[[], Awaitable[Step]], data: bytes | None,
                      key: str = "console.waiting") -> Step:
        """``send()``, under the screen's waiting prompt when there is one; a stopped wait
        is a Step with no replies (a late reply shows up with the next one)."""
        if not self.screen.waits_live:  # nothing can stop it: the built-in server answers
            return await send()
        before = self.view().state if self.link.connection is not None else State.CONNECTED
        step = await self.screen.wait(send, key)
        if step is None:
            step = Step(data, (), before, stopped=True)
        return step

    def record(self, step: Step) -> None:
        """Keep ``step`` for :save and :more, and show it."""
        self.transcript.steps.append(step)
        if step.sent is not None:
            self.show(sent_fragments(step.sent, raw=self.raw), hang=len(SENT))
        for answer in step.answers:
            self.show(notice_fragments(answer, self.lang))
            self.show(answer_fragments(answer, raw=self.raw), hang=len(RECEIVED))
            annotation = console_annotation(answer, self.lang, self.leaving)
            self.show(explanation_at(self.transcript.told, self.lang, annotation, answer))
            if answer.problem:
                self.show([("class:code.5xx", text(answer.problem, self.lang) + "\n")])
        if step.tls is not None or step.tls_refused is not None:
            from simulator.faces.shell.tlsview import tls_fragments

            self.show(tls_fragments(step, self.lang))
        if self.guide is not None and not self.leaving:  # the console's own QUIT is no step
            self.guide.observe(self.screen, step)
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

