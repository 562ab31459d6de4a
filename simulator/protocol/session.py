"""Session: one SMTP conversation, sans-IO. Bytes in, Exchanges out.

The driver calls :meth:`Session.greeting` once, feeds whatever bytes arrive to
:meth:`Session.receive_data`, sends each Exchange's reply, and does what its ``then`` says:
go on, close, or start TLS and call :meth:`Session.tls_started`. No sockets, no clock (the
driver may pass one for the Received: header), no threads: the same bytes give the same
Exchanges however they are split.

The input is read in one of three modes (:data:`READERS`, as h11 picks a reader by state):
command lines, the message text after 354 (messagetext.py), the answers of AUTH's 334
dialogue. The state changes only through state.py's tables (:func:`~.state.advance`).
"""

from __future__ import annotations

import datetime
import functools
import random
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from .commands import (
    Auth,
    AuthAnswer,
    Command,
    EndOfData,
    Hello,
    MailFrom,
    ProtocolError,
    Query,
    RcptTo,
    Simple,
    check_parameters,
    fail,
    help_reply,
)
from .credentials import hidden
from .errorlimits import ErrorLimits
from .escape import quote
from .events import Envelope, Exchange, ReceivedMessage, Then
from .framing import CommandLine, Framer
from .memory import Memory
from .messagetext import MessageText
from .policy import Policy
from .readers import NEED_DATA, Mode, NeedData, parse_line, split_line
from .referee import Referee, SessionFacts
from .replies import Reply, make_reply
from .rules import Decision
from .security import Security
from .state import State, Turn, Verb, advance
from .trace import fixed_clock, received_header

_END_OF_DATA_LINE: Final = b".\r\n"
# The input loop's constants, read as module globals: cheaper than an enum's attributes.
_CLOSED: Final = State.CLOSED
_DATA: Final = State.DATA
_COMMAND: Final = Mode.COMMAND
_TEXT: Final = Mode.TEXT
_AUTH_ANSWER: Final = Mode.AUTH_ANSWER
_HELLOS: Final = frozenset({Verb.HELO, Verb.EHLO})
_THEN_CONTINUE: Final = Then.CONTINUE
_THEN_CLOSE: Final = Then.CLOSE
_THEN_START_TLS: Final = Then.START_TLS


class Session:
    """The server side of one SMTP session (RFC 5321), strict by default."""

    # One per connection, most of them idle: slots keep it small (no __dict__).
    __slots__ = ("_clock", "_framer", "_queued", "_text", "esmtp", "helo", "limits", "mail",
                 "messages_accepted", "peer", "policy", "recipients", "referee", "security",
                 "session_id", "state", "watch_url")

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        peer: str = "unknown",
        session_id: str = "S1",
        clock: Callable[[], datetime.datetime] = fixed_clock,
        tls_available: bool = True,
        memory: Memory | None = None,
        timer: Callable[[], float] | None = None,
        rng: random.Random | None = None,
        watch_url: str | None = None,
    ) -> None:
        # memory, timer: one server's, for the referee; tls_available False: STARTTLS is 454
        self.policy, self.peer, self.session_id = policy or Policy(), peer, session_id
        self._clock, self._framer = clock, Framer()
        self.state, self.esmtp = State.CONNECTED, False
        self.helo: str | None = None
        self.mail: MailFrom | None = None
        self.recipients: list[str] = []
        self.messages_accepted = self._queued = 0
        self.limits = ErrorLimits(self.policy, memory=memory, timer=timer, peer=peer)  # delays, 421
        self._text: MessageText | None = None
        """The message text being received (after 354 only)."""
        self.security = Security(self.policy, tls_available=tls_available)
        """TLS and AUTH: ``security.tls``, ``security.user`` (who logged in)."""
        self.watch_url = watch_url
        """Where this session is shown explained (``serve --web``): the greeting names it."""
        self.referee = Referee.of(self.policy, session_id=session_id, memory=memory,
                                  timer=timer, rng=rng)  # None for the strict default

    # -- what the driver calls ------------------------------------------------------------

    def greeting(self) -> Exchange:
        """The 220 the server sends when a client connects."""
        if self.referee is None:
            return self._decided(b"", None, None, self.ready_reply(None), self.state, None)
        reply, decision = self.referee.greeting(self._facts())
        if self.watch_url is not None and (decision is None or decision.reply is None):
            reply = self.ready_reply(None)  # serve --web: the page, unless a rule answered
        return self._decided(b"", None, None, reply, self.state, decision)

    def ready_reply(self, scenario: str | None) -> Reply:
        """The 220 of a server ready to talk (RFC 5321 §4.2: the text after the code is free):
        it names the session's web page when there is one, else the ``scenario`` played."""
        host = self.policy.hostname
        if self.watch_url is not None:
            return make_reply("session.greeting-watch", host=host, url=self.watch_url)
        if scenario is not None:
            return make_reply("session.greeting-scenario", host=host, scenario=scenario)
        return _greeting(host)

    def receive_data(self, data: bytes) -> list[Exchange]:
        """Feed received bytes; return an Exchange for every reply they cause, in order."""
        if self.closed:
            return []
        framer = self._framer
        framer.feed(data)
        out: list[Exchange] = []
        security = self.security
        # Every reader needs input: with nothing buffered the loop ends without asking one.
        while self.state is not _CLOSED and not security.handshake_due and framer.buffered:
            mode = (_TEXT if self.state is _DATA
                    else _COMMAND if security.dialogue is None else _AUTH_ANSWER)
            exchange = READERS[mode](self)
            if exchange is NEED_DATA:
                break
            if exchange is not None:
                self._counted(exchange, out)
        if self.closed or security.handshake_due:
            # RFC 3207 §4.2: what came after STARTTLS, before the handshake, is never run
            # (the CVE-2011-0411 command injection).
            self._framer.clear()
        return out

    def tls_started(self) -> None:
        """The driver finished the TLS handshake: start over, as RFC 3207 §4.2 asks (EHLO
        again; it now offers AUTH instead of STARTTLS)."""
        self.security.tls_started()
        self.state = advance(self.state, Turn.TLS_STARTED)
        self.helo, self.esmtp = None, False
        self._reset_transaction()
        self._framer.clear()

    @property
    def authenticated(self) -> bool:
        """True after 235 (the realistic scenario lets such a client relay)."""
        return self.security.user is not None

    @property
    def errors(self) -> int:
        """Errors so far: 5xx replies, and junk commands past the junk limit."""
        return self.limits.errors

    @property
    def closed(self) -> bool:
        """True once 221 or 421 was sent: the driver should close the connection."""
        return self.state is State.CLOSED

    @property
    def line_pending(self) -> bool:
        """Part of a command line arrived, not yet its end (the driver times it from there)."""
        return self.state is not State.DATA and self._framer.in_line

    def timeout(self, *, too_slow: bool = False) -> Exchange:
        """Idle, or (``too_slow``) input arriving too slowly: 421 4.4.2, close (§4.5.3.2)."""
        return self._close("session.too-slow" if too_slow else "session.timeout")

    def shutdown(self) -> Exchange:
        """The server is going down: 421 4.3.2 and close."""
        return self._close("session.shutdown")

    def storage_failed(self, exchange: Exchange, *, full: bool = False) -> Exchange:
        """The driver could not store ``exchange``'s message: 451 (452 when ``full``), not 250."""
        self.messages_accepted -= 1
        reply = make_reply("data.storage-full" if full else "data.storage-failed")
        return Exchange(exchange.line, exchange.command, reply, exchange.state_before,
                        exchange.state_after, verb=exchange.verb)

    # -- the readers, one per input mode --------------------------------------------------

    def _read_command(self) -> Exchange | NeedData:
        line = self._framer.next_command_line(self.security.line_limit(self._framer))
        if line is None:
            return NEED_DATA
        secret = self.security.secret(line)  # asked before the line opens or ends AUTH
        exchange = self._receive_command(line)
        return hidden(exchange) if secret else exchange  # credentials.py

    def _read_auth_answer(self) -> Exchange | NeedData:
        """One line of the 334 dialogue (RFC 4954 §4): never a command, whatever it says."""
        line = self._framer.next_command_line(self.security.line_limit(self._framer))
        if line is None:
            return NEED_DATA
        secret = self.security.secret(line)
        exchange = Exchange(line.raw, AuthAnswer(), self.security.answer(line), self.state,
                            self.state)
        return hidden(exchange) if secret else exchange

    def _read_text(self) -> Exchange | NeedData | None:
        """Message text: nothing to answer until the lone ``.`` line."""
        assert self._text is not None  # DATA's 354 started it
        end = self._text.read(self._framer)
        if end is None:
            return NEED_DATA
        return self._end_of_text() if end else None

    # -- commands -------------------------------------------------------------------------

    def _receive_command(self, line: CommandLine) -> Exchange:
        before = self.state
        verb: Verb | None = None
        command: Command | None = None
        decision: Decision | None = None
        try:
            verb, argument = split_line(line, self.policy)
            smtputf8 = self.mail is not None and self.mail.smtputf8
            command, after = parse_line(verb, argument, state=self.state, policy=self.policy,
                                        security=self.security, smtputf8=smtputf8)
            if self.referee is not None:
                decision = self.referee.at_command(self._facts(), verb, argument, command)
            if decision is not None and decision.reply is not None:
                reply = decision.reply  # a rule refused it: the command has no effect
            else:
                reply = self._execute(command)
                self.state = after  # state.py's TRANSITIONS, looked up by parse_line
        except ProtocolError as err:
            reply = err.reply
            if reply.key == "sequence.data-before-rcpt" and self.referee is not None:
                decision = self.referee.at_empty_data(self._facts())
                reply = decision.reply if decision and decision.reply else reply
        if verb in _HELLOS:
            reply = reply.without_enhanced()  # RFC 2034 §3
        if self.referee is not None:
            self.referee.noted(verb, reply.code)
        return self._decided(line.raw, verb, command, reply, before, decision)

    def _facts(self) -> SessionFacts:
        """What the referee may know of this session now."""
        return SessionFacts(self.peer, self.helo, self.mail.path if self.mail else None,
                            tuple(self.recipients), self.security.user)

    def _decided(self, line: bytes, verb: Verb | None, command: Command | None, reply: Reply,
                 before: State, decision: Decision | None,
                 message: ReceivedMessage | None = None) -> Exchange:
        """The Exchange, with what the deciding rule (if any) asks of the driver."""
        if (decision is not None and decision.close) or reply.code == 421:
            self.state = advance(self.state, Turn.CLOSE)  # RFC 5321 §3.8
        then = (_THEN_CLOSE if self.state is _CLOSED
                else _THEN_START_TLS if self.security.handshake_due else _THEN_CONTINUE)
        if decision is None:
            return Exchange(line, command, reply, before, self.state, then, message=message,
                            verb=verb)
        return Exchange(line, command, reply, before, self.state, then, message=message,
                        delay=decision.delay, hang_up=decision.silent, rule=decision.rule,
                        verb=verb)

    def _execute(self, command: Command) -> Reply:
        host = self.policy.hostname
        match command:
            case Hello(verb=verb, domain=domain):
                return self._hello(verb, domain)
            case MailFrom():
                return self._mail_from(command)
            case RcptTo(path=path):
                return self._rcpt_to(path)
            case Simple(verb=Verb.DATA):
                self._text = MessageText(max_size=self.policy.max_message_size,
                                         accept_bare_lf=self.policy.accept_bare_lf)
                return make_reply("data.start")
            case Simple(verb=Verb.RSET):
                self._reset_transaction()
                return make_reply("session.rset")
            case Simple(verb=Verb.QUIT):
                return make_reply("session.quit", host=host)
            case Simple(verb=Verb.STARTTLS):
                return self.security.starttls()
            case Auth():
                return self.security.start_auth(command)
            case Query(verb=Verb.VRFY, argument=argument):
                return make_reply("vrfy.cannot-verify", argument=quote(argument))
            case Query(verb=Verb.EXPN, argument=argument):
                return make_reply("expn.disabled", argument=quote(argument))
            case Query(verb=Verb.HELP, argument=argument):
                return help_reply(argument)
            case _:
                return make_reply("session.noop")

    def _hello(self, verb: Verb, domain: str) -> Reply:
        self._reset_transaction()
        self.helo = domain
        self.esmtp = verb is Verb.EHLO
        host, shown = self.policy.hostname, quote(domain)
        if verb is Verb.HELO:
            return make_reply("session.helo", host=host, domain=shown)
        return make_reply("session.ehlo", host=host, domain=shown).with_lines(
            self.security.ehlo_keywords())

    def _mail_from(self, command: MailFrom) -> Reply:
        check_parameters(command, esmtp=self.esmtp, max_size=self.policy.max_message_size)
        self.mail = command
        key = "mail.accepted" if command.path.isascii() else "mail.accepted-utf8"  # RFC 6531 §3.7.4
        return make_reply(key, path=quote(command.path, 200))

    def _rcpt_to(self, path: str) -> Reply:
        limit = self.policy.max_recipients
        if len(self.recipients) >= limit:
            raise fail("limits.too-many-recipients", limit=limit)
        self.recipients.append(path)
        key = "rcpt.accepted" if path.isascii() else "rcpt.accepted-utf8"  # RFC 6531 §3.7.4
        return make_reply(key, path=quote(path, 200))

    def _reset_transaction(self) -> None:
        self.mail, self.recipients = None, []

    # -- message text (messagetext.py) ---------------------------------------------------

    def _end_of_text(self) -> Exchange:
        before, text = self.state, self._text
        assert text is not None
        message: ReceivedMessage | None = None
        decision: Decision | None = None  # a rule's verdict on the whole message
        reply = text.refusal()
        if reply is None:
            if self.referee is not None:
                decision = self.referee.at_end_of_data(self._facts(), text.content)
            if decision is not None and decision.reply is not None:
                reply = decision.reply  # refused by a rule (spam...): nothing is kept
            else:
                message = self._accept_message(text.content, bare_lf=text.bare_lf_read)
                reply = make_reply("data.accepted", queue_id=message.queue_id)
        self._reset_transaction()
        self._text = None  # its memory goes with it
        self.state = advance(self.state, Verb.END_OF_DATA)
        if self.referee is not None:
            self.referee.noted(Verb.END_OF_DATA, reply.code)
        return self._decided(_END_OF_DATA_LINE, Verb.END_OF_DATA, EndOfData(text.size), reply,
                             before, decision, message)

    def _accept_message(self, content: bytes, *, bare_lf: bool) -> ReceivedMessage:
        self.messages_accepted += 1
        self._queued += 1  # never reused, even when storage fails (see storage_failed)
        queue_id = f"{self.session_id}-{self._queued}"
        assert self.mail is not None and self.helo is not None
        envelope = Envelope(self.mail.path, tuple(self.recipients), self.helo, self.peer,
                            smtputf8=self.mail.smtputf8, body=self.mail.body)
        header = received_header(queue_id, envelope, esmtp=self.esmtp, policy=self.policy,
                                 moment=self._clock(), tls=self.security.tls,
                                 authenticated=self.authenticated)
        verdicts = self.referee.verdicts if self.referee else None
        stamp = verdicts.header(self.policy.hostname) if verdicts else b""  # RFC 8601 §5
        return ReceivedMessage(queue_id, envelope, header + stamp + content, verdicts,
                               bare_lf=bare_lf)

    # -- closing --------------------------------------------------------------------------

    def _counted(self, exchange: Exchange, out: list[Exchange]) -> None:
        """Add ``exchange`` to ``out`` as the error limits let it out, then 421 4.7.0 at the
        hard limit."""
        exchange, spent = self.limits.judge(exchange)
        out.append(exchange)
        if spent and self.state is not _CLOSED:
            out.append(self._close("session.too-many-errors"))

    def _close(self, key: str) -> Exchange:
        before, self.state = self.state, advance(self.state, Turn.CLOSE)
        self._framer.clear()
        reply = make_reply(key, host=self.policy.hostname)
        return Exchange(b"", None, reply, before, self.state, Then.CLOSE)


READERS: Final[Mapping[Mode, Callable[[Session], Exchange | NeedData | None]]] = \
    MappingProxyType({
        Mode.COMMAND: Session._read_command,
        Mode.TEXT: Session._read_text,
        Mode.AUTH_ANSWER: Session._read_auth_answer,
    })
"""The reader of each input mode: an Exchange to send, None when the input needed no
reply (a line of message text), or NEED_DATA when more bytes must come first."""


@functools.lru_cache(maxsize=8)
def _greeting(host: str) -> Reply:
    # One (immutable) 220 shared by the sessions of a server: made per connection, it cost a
    # burst of clients 550 octets each (tracemalloc).
    return make_reply("session.greeting", host=host)
