"""Session: one SMTP conversation, sans-IO. Bytes in, Exchanges out.

The driver calls :meth:`Session.greeting` once, feeds whatever bytes arrive to
:meth:`Session.receive_data`, sends each Exchange's reply, and does what its ``then`` says:
go on, close, or start TLS and call :meth:`Session.tls_started`. No sockets, no clock (the
driver may pass one for the Received: header), no threads: the same bytes give the same
Exchanges however they are split.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
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
    fail,
    help_reply,
)
from .credentials import hidden
from .errorlimits import ErrorLimits
from .escape import quote
from .events import Envelope, Exchange, ReceivedMessage, Then
from .framing import MAX_TEXT_LINE, CommandLine, Framer, TextLine, TextPiece
from .memory import Memory
from .policy import Policy
from .readers import parse_line, split_line
from .referee import Referee
from .replies import Reply, make_reply
from .rules import Decision
from .security import Security
from .state import State, Verb
from .trace import fixed_clock, received_header

EHLO_EXTENSIONS: Final = ("PIPELINING", "SIZE {size}", "8BITMIME", "ENHANCEDSTATUSCODES",
                          "SMTPUTF8", "HELP")
_END_OF_DATA_LINE: Final = b".\r\n"


class Session:
    """The server side of one SMTP session (RFC 5321), strict by default."""

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
        self._start_text()  # the message text's buffers and counters
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
            return self.decided(b"", None, self.ready_reply(None), self.state, None)
        return self.referee.greeting(self)

    def ready_reply(self, scenario: str | None) -> Reply:
        """The 220 of a server ready to talk (RFC 5321 §4.2: the text after the code is free):
        it names the session's web page when there is one, else the ``scenario`` played."""
        host = self.policy.hostname
        if self.watch_url is not None:
            return make_reply("session.greeting-watch", host=host, url=self.watch_url)
        if scenario is not None:
            return make_reply("session.greeting-scenario", host=host, scenario=scenario)
        return make_reply("session.greeting", host=host)

    def receive_data(self, data: bytes) -> list[Exchange]:
        """Feed received bytes; return an Exchange for every reply they cause, in order."""
        if self.closed:
            return []
        self._framer.feed(data)
        out: list[Exchange] = []
        security = self.security
        while self.state is not State.CLOSED and not security.handshake_due:
            if self.state is State.DATA:
                if self._line_size == 0 and self._receive_text_block():
                    continue
                piece = self._framer.next_text_piece()
                if piece is None:
                    break
                exchange = self._receive_text(piece)
            else:
                line = self._framer.next_command_line(security.line_limit(self._framer))
                if line is None:
                    break
                secret = security.secret(line)  # asked before the line opens or ends AUTH
                exchange = (self._receive_command(line) if security.dialogue is None
                            else self._receive_auth_answer(line))
                exchange = hidden(exchange) if secret else exchange  # credentials.py
            if exchange is not None:
                out.extend(self._counted(exchange))
        if self.closed or security.handshake_due:
            # RFC 3207 §4.2: what came after STARTTLS, before the handshake, is never run
            # (the CVE-2011-0411 command injection).
            self._framer.clear()
        return out

    def tls_started(self) -> None:
        """The driver finished the TLS handshake: start over, as RFC 3207 §4.2 asks (EHLO
        again; it now offers AUTH instead of STARTTLS)."""
        self.security.tls_started()
        self.state, self.helo, self.esmtp = State.CONNECTED, None, False
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
                        exchange.state_after)

    # -- commands -------------------------------------------------------------------------

    def _receive_command(self, line: CommandLine) -> Exchange:
        before = self.state
        verb: Verb | None = None
        command: Command | None = None
        decision: Decision | None = None
        try:
            verb, argument = split_line(line, self.policy)
            smtputf8 = self.mail is not None and self.mail.smtputf8
            command, after = parse_line(verb, argument, state=self.state,
                                        security=self.security, smtputf8=smtputf8)
            if self.referee is not None:
                decision = self.referee.at_command(self, verb, argument, command)
            if decision is not None and decision.reply is not None:
                reply = decision.reply  # a rule refused it: the command has no effect
            else:
                reply = self._execute(command)
                self.state = after
        except ProtocolError as err:
            reply = err.reply
            if reply.key == "sequence.data-before-rcpt" and self.referee is not None:
                decision = self.referee.at_empty_data(self)
                reply = decision.reply if decision and decision.reply else reply
        if verb in (Verb.HELO, Verb.EHLO):
            reply = reply.without_enhanced()  # RFC 2034 §3
        if self.referee is not None:
            self.referee.noted(verb, reply.code)
        return self.decided(line.raw, command, reply, before, decision)

    def decided(self, line: bytes, command: Command | None, reply: Reply, before: State,
                 decision: Decision | None, message: ReceivedMessage | None = None) -> Exchange:
        """The Exchange, with what the deciding rule (if any) asks of the driver."""
        if (decision is not None and decision.close) or reply.code == 421:
            self.state = State.CLOSED  # RFC 5321 §3.8: 421 closes the channel
        then = (Then.CLOSE if self.state is State.CLOSED
                else Then.START_TLS if self.security.handshake_due else Then.CONTINUE)
        if decision is None:
            return Exchange(line, command, reply, before, self.state, then, message=message)
        return Exchange(line, command, reply, before, self.state, then, message=message,
                        delay=decision.delay, hang_up=decision.silent, rule=decision.rule)

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
                self._start_text()
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
        fields = {"host": self.policy.hostname, "domain": quote(domain)}
        if verb is Verb.HELO:
            return make_reply("session.helo", **fields)
        size = self.policy.max_message_size
        keywords = tuple(line.format(size=size) for line in EHLO_EXTENSIONS)
        keywords = keywords[:3] + self.security.extensions() + keywords[3:]
        return make_reply("session.ehlo", **fields).with_lines(keywords)

    def _receive_auth_answer(self, line: CommandLine) -> Exchange:
        """One line of the 334 dialogue (RFC 4954 §4): never a command, whatever it says."""
        reply = self.security.answer(line)
        return Exchange(line.raw, AuthAnswer(), reply, self.state, self.state)

    def _mail_from(self, command: MailFrom) -> Reply:
        if not self.esmtp and (command.size is not None or command.body or command.smtputf8):
            # RFC 5321 §4.1.1.2: parameters exist only for extensions EHLO announced.
            first = "SIZE" if command.size is not None else ("BODY" if command.body else "SMTPUTF8")
            raise fail("syntax.parameters-need-ehlo", argument=first)
        limit = self.policy.max_message_size
        if command.size is not None and command.size > limit:
            raise fail("limits.size-declared-too-big", size=command.size, limit=limit)
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

    # -- message text ----------------------------------------------------------------------

    def _start_text(self) -> None:
        self._text = bytearray()
        self._text_size = self._line_size = 0
        self._text_line = TextLine(bare_lf_ends=self.policy.accept_bare_lf)
        self._text_problems: list[str] = []
        self._bare_lf_read = False  # accept_bare_lf turned a bare LF into CRLF (normalize)

    def _receive_text(self, piece: TextPiece) -> Exchange | None:
        """Take one piece of message text; at the lone ``.`` line, answer for the message."""
        at_line_start = self._line_size == 0
        if at_line_start and piece.ends_line and piece.content == b".":
            return self._end_of_text()
        content = piece.content
        if at_line_start and content.startswith(b"."):
            content = content[1:]  # RFC 5321 §4.5.2: dot-unstuffing
        self._line_size = 0 if piece.ends_line else self._line_size + len(content)  # from CRLF
        if self._text_line.add(content, piece.ends_line):  # RFC 5321 §4.5.3.1.6
            self._note_problem("data.line-too-long")
        if b"\r" in content:
            self._note_problem("data.bare-cr")
        if b"\n" in content:
            if self.policy.accept_bare_lf:
                content, self._bare_lf_read = content.replace(b"\n", b"\r\n"), True
            else:
                self._note_problem("data.bare-lf")
        if piece.ends_line:
            content += b"\r\n"
        self._add_text(content)
        return None

    def _receive_text_block(self) -> bool:
        """Take every complete text line before the end of the message in one go.

        The fast path for ordinary text: it gives exactly what :meth:`_receive_text` would
        give line by line, and hands anything unusual (bare CR or LF) back to that path.
        Returns False when there was no complete line to take.
        """
        block = self._framer.next_text_block()
        if block is None:
            return False
        crlf = block.count(b"\r\n")
        if block.count(b"\r") != crlf or block.count(b"\n") != crlf:
            for line in block.split(b"\r\n")[:-1]:
                self._receive_text(TextPiece(line, ends_line=True))
            return True
        if block.startswith(b".") or b"\r\n." in block:  # RFC 5321 §4.5.2: dot-unstuffing
            lines = [line[1:] if line.startswith(b".") else line for line in block.split(b"\r\n")]
            block = b"\r\n".join(lines)
        if max(map(len, block.split(b"\r\n"))) + 2 > MAX_TEXT_LINE:
            self._note_problem("data.line-too-long")
        self._add_text(block)
        return True

    def _add_text(self, content: bytes) -> None:
        """Count unstuffed text against SIZE and keep it, unless the message is lost already."""
        self._text_size += len(content)
        if self._text_size > self.policy.max_message_size:
            self._note_problem("limits.message-too-big")
        if not self._text_problems:
            self._text += content

    def _note_problem(self, key: str) -> None:
        if key not in self._text_problems:
            self._text_problems.append(key)
            self._text = bytearray()  # the message is lost anyway: free its memory

    def _end_of_text(self) -> Exchange:
        before, size = self.state, self._text_size
        message: ReceivedMessage | None = None
        problems = self._text_problems
        decision: Decision | None = None  # a rule's verdict on the whole message
        if problems:
            key = min(problems, key=_PROBLEM_ORDER.index)
            reply = make_reply(key, limit=self.policy.max_message_size)
        else:
            if self.referee is not None:
                decision = self.referee.at_end_of_data(self, bytes(self._text))
            if decision is not None and decision.reply is not None:
                reply = decision.reply  # refused by a rule (spam...): nothing is kept
            else:
                message = self._accept_message()
                reply = make_reply("data.accepted", queue_id=message.queue_id)
        self._reset_transaction()
        self._start_text()
        self.state = State.GREETED
        if self.referee is not None:
            self.referee.noted(Verb.END_OF_DATA, reply.code)
        return self.decided(_END_OF_DATA_LINE, EndOfData(size), reply, before, decision,
                             message)

    def _accept_message(self) -> ReceivedMessage:
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
        return ReceivedMessage(queue_id, envelope, header + stamp + bytes(self._text), verdicts,
                               bare_lf=self._bare_lf_read)

    # -- closing --------------------------------------------------------------------------

    def _counted(self, exchange: Exchange) -> list[Exchange]:
        """``exchange`` as the error limits let it out, then 421 4.7.0 at the hard limit."""
        exchange, spent = self.limits.judge(exchange)
        if spent and self.state is not State.CLOSED:
            return [exchange, self._close("session.too-many-errors")]
        return [exchange]

    def _close(self, key: str) -> Exchange:
        before, self.state = self.state, State.CLOSED
        self._framer.clear()
        reply = make_reply(key, host=self.policy.hostname)
        return Exchange(b"", None, reply, before, State.CLOSED, Then.CLOSE)


_PROBLEM_ORDER: Final = ("limits.message-too-big", "data.line-too-long", "data.bare-lf",
                         "data.bare-cr")
