"""The client side of a session: the built-in server (in memory) or a real one (TCP).

Both turn "send these bytes" into a :class:`Step`: the bytes sent and every reply that came
back, as exact wire bytes plus what is known about each (with the built-in server, the
engine's Exchange, which carries the reply key the lessons explain by). It sits below every
face: the console and ``smtp-sim run`` (``transcript``) both drive these classes, so there
is no prompt_toolkit here.
"""

from __future__ import annotations

import contextlib
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

import trio

from simulator.client.tls import (
    TlsInfo,
    handshake,
    unverified_context,
    verify_problem,
    verifying_context,
)
from simulator.client.wire import ClientView, ReplyParser, ReplyTooLong, WireReply
from simulator.protocol import Exchange, Policy, State, Then
from simulator.protocol.memory import Memory

if TYPE_CHECKING:
    from simulator.lessons import Annotation
    from simulator.server import LocalSession
    from simulator.server.store import MemoryStore, StoredMessage

REPLY_WAIT: Final = 10.0
"""Seconds to wait for a reply that must come (a command line, the final dot)."""
STRAY_WAIT: Final = 0.05
"""Seconds to listen, on TCP, for replies nobody asked for (message text, extra replies)."""
RECEIVE_SIZE: Final = 16 * 1024


@dataclass(frozen=True, slots=True)
class Answer:
    """One reply as the client received it."""

    wire: bytes
    code: int
    """0 when the bytes were not an SMTP reply."""
    enhanced: str | None
    lines: tuple[str, ...]
    closes: bool
    exchange: Exchange | None = None
    """The engine's Exchange (built-in server only): the reply key says why."""
    problem: str = ""
    """A UI text key when the client gave up on this reply (``connect.reply-too-long``)."""
    after: str = ""
    """Over TCP: the verb of the command this reply answers (``MAIL``, ``DOT``), if known."""


@dataclass(frozen=True, slots=True)
class Step:
    """What one send did: the bytes sent (None for the greeting) and the replies."""

    sent: bytes | None
    answers: tuple[Answer, ...]
    state_before: State = State.CONNECTED
    tls: TlsInfo | None = None
    """Set when this step ended with a TLS handshake (after 220 to STARTTLS)."""
    tls_refused: str | None = None
    """Set when ``--verify`` refused the certificate (why); the connection is closed."""
    stopped: bool = False
    """The learner stopped waiting for the replies (Ctrl-C over ``--connect``)."""


@dataclass(frozen=True, slots=True)
class SessionView:
    """What the toolbar shows about the session."""

    state: State
    sender: str | None
    recipients: int
    accepted: int
    errors: int | None = None
    """Errors spent of the session's budget (built-in server only), and that budget."""
    budget: int = 0
    tls: bool = False
    user: str | None = None
    """Who logged in with AUTH ("" when the name is not known)."""


def explain(answer: Answer, lang: str) -> Annotation | None:
    """The explanation of ``answer``: by reply key when the engine sent it, else by code."""
    from simulator.lessons import annotate, annotate_reply

    if answer.exchange is not None:
        return _near_miss(annotate(answer.exchange, lang), answer.exchange)
    if answer.code == 0:
        return None
    return annotate_reply(answer.code, answer.enhanced, "\n".join(answer.lines), lang,
                          after=answer.after)


def _near_miss(annotation: Annotation, exchange: Exchange) -> Annotation:
    """A 500 for an unknown verb one or two typos from a real one says which it may be."""
    if exchange.reply.key != "syntax.unknown-command":
        return annotation
    import dataclasses

    from simulator.client.nearmiss import suggest
    from simulator.lessons.ui import text

    words = exchange.line.split(None, 1) if exchange.line else []
    verb = suggest(words[0].decode("ascii", "replace")) if words else None
    if verb is None:
        return annotation
    hint = text("explain.did-you-mean", annotation.lang, verb=verb)
    return dataclasses.replace(annotation, why=f"{hint} {annotation.why}")


class Connection(Protocol):
    """What a face (console, ``run``) needs from a server, built-in or remote."""

    peer: str

    async def start(self) -> Step: ...
    async def send(self, data: bytes) -> Step: ...
    async def aclose(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def view(self) -> SessionView: ...
    def messages(self) -> list[StoredMessage] | None: ...


class LocalConnection:
    """The built-in server, over trio memory streams (no sockets): see server.open_local_session.

    The server publishes an Exchange for every reply. A command line always gets at least one
    reply (RFC 5321 §4.2), so the client waits for the first; message text gets none until
    the final dot, and a dot ends the message only at the start of a line (after a CRLF,
    RFC 5321 §4.1.1.4), so nothing is awaited for anything else: the console never waits
    for a reply that cannot come.
    """

    peer = "smtp-sim (built-in)"

    def __init__(self, *, policy: Policy, store: MemoryStore, session_id: str = "S1",
                 memory: Memory | None = None, tls: ssl.SSLContext | None = None,
                 ca: str | None = None) -> None:
        """``tls`` is the server's certificate for STARTTLS; ``ca`` the CA the client trusts
        (the generated one): the handshake is real, ``trio.SSLStream`` on both ends."""
        self._policy = policy
        self._memory = memory
        self._store = store
        self._session_id = session_id
        self._tls, self._ca = tls, ca
        self._stack = contextlib.AsyncExitStack()
        self._local: LocalSession | None = None
        self._stream: trio.abc.Stream | None = None
        self._secure = False  # the client's handshake is done (the server's may finish later)
        self._buffer = bytearray()
        self._closed = False
        self._line_start = True
        """In DATA: whether the text sent so far ends in CRLF (a dot there ends the message)."""

    async def start(self) -> Step:
        from simulator.server import open_local_session

        self._local = await self._stack.enter_async_context(open_local_session(
            policy=self._policy, store=self._store, session_id=self._session_id,
            memory=self._memory, tls=self._tls))
        self._stream = self._local.client
        return await self._collect(None, State.CONNECTED, expect=True)

    async def send(self, data: bytes) -> Step:
        local = self._require()
        before = local.session.state
        if self._closed:
            return Step(data, (), before)
        end = b"\n" if self._policy.accept_bare_lf else b"\r\n"
        ends_message = data.removesuffix(end).removesuffix(b"\r") == b"." and data.endswith(end)
        expect = before is not State.DATA or (ends_message and self._line_start)
        self._line_start = before is not State.DATA or data.endswith(end)
        try:
            await self._client().send_all(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            self._closed = True
            return Step(data, (), before)
        return await self._collect(data, before, expect=expect)

    def _client(self) -> trio.abc.Stream:
        if self._stream is None:
            raise RuntimeError("start() the connection first")
        return self._stream

    async def _collect(self, sent: bytes | None, before: State, *, expect: bool) -> Step:
        local = self._require()
        exchanges = _drain(local)
        if not exchanges and expect:
            with trio.move_on_after(REPLY_WAIT), contextlib.suppress(trio.EndOfChannel):
                exchanges.append(await local.exchanges.receive())
        answers: list[Answer] = []
        while exchanges:
            answers.append(await self._answer(exchanges.pop(0)))
            # The server publishes every Exchange a chunk causes before it writes their
            # bytes, so once these bytes are read, the rest of the chunk's replies are queued.
            exchanges += _drain(local)
        if any(answer.closes for answer in answers):
            await self._hang_up()
        tls = None
        if any(a.exchange is not None and a.exchange.then is Then.START_TLS for a in answers):
            tls = await self._start_tls()
        return Step(sent, tuple(answers), before, tls)

    async def _start_tls(self) -> TlsInfo | None:
        """The client half of the handshake the server starts after its 220."""
        try:
            self._stream, info = await handshake(self._client(), verifying_context(self._ca),
                                                 self._policy.hostname)
        except trio.BrokenResourceError:
            await self._hang_up()
            return None
        self._secure = True
        return info

    async def _answer(self, exchange: Exchange) -> Answer:
        """Read exactly this reply's bytes off the client stream."""
        size = len(exchange.reply.to_bytes())
        while len(self._buffer) < size:
            chunk = await self._client().receive_some(RECEIVE_SIZE)
            if not chunk:
                break
            self._buffer += chunk
        wire = bytes(self._buffer[:size])
        del self._buffer[:size]
        reply = exchange.reply
        closes = exchange.then is Then.CLOSE
        return Answer(wire, reply.code, reply.enhanced, reply.lines, closes, exchange)

    async def _hang_up(self) -> None:
        """After 221/421 the server closes; so does the client, as a TCP client would."""
        self._closed = True
        if self._stream is not None:
            await trio.aclose_forcefully(self._stream)

    def _require(self) -> LocalSession:
        if self._local is None:
            raise RuntimeError("start() the connection first")
        return self._local

    async def aclose(self) -> None:
        self._closed = True
        await self._stack.aclose()

    @property
    def closed(self) -> bool:
        return self._closed

    def view(self) -> SessionView:
        session = self._require().session
        state = State.CLOSED if self._closed else session.state
        sender = None if session.mail is None else session.mail.path
        return SessionView(state, sender, len(session.recipients), session.messages_accepted,
                           session.errors, session.policy.error_budget or 0,
                           tls=self._secure, user=session.security.user)

    def messages(self) -> list[StoredMessage] | None:
        return self._store.messages()


async def _read_reply(stream: trio.abc.Stream, parser: ReplyParser) -> WireReply | None:
    with trio.move_on_after(REPLY_WAIT):
        while (reply := parser.next_reply()) is None:
            chunk = await stream.receive_some(RECEIVE_SIZE)
            if not chunk:
                return None
            parser.feed(bytes(chunk))
        return reply
    return None


def _drain(local: LocalSession) -> list[Exchange]:
    out: list[Exchange] = []
    while True:
        try:
            out.append(local.exchanges.receive_nowait())
        except (trio.WouldBlock, trio.EndOfChannel):
            return out


def parse_peer(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``[v6]:PORT``; ``HOST`` alone means port 25) -> (host, port)."""
    host, colon, port = text.rpartition(":")
    if not colon or "]" in port:
        host, port = text, "25"
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


class TcpConnection:
    """A real SMTP server over TCP: replies are cut from the byte stream, explained by code."""

    def __init__(self, host: str, port: int, *, verify: bool = False,
                 reply_wait: float | None = None) -> None:
        """``verify``: refuse a certificate the system does not trust (else warn, go on);
        ``reply_wait``: seconds to wait for a reply that must come."""
        self._host, self._port = host, port
        self._verify = verify
        self._reply_wait = REPLY_WAIT if reply_wait is None else reply_wait
        self.peer = f"{host}:{port}"
        self._stream: trio.abc.Stream | None = None
        self._tls = False
        self._parser = ReplyParser()
        self._view = ClientView()
        self._eof = False

    async def start(self) -> Step:
        self._stream = await trio.open_tcp_stream(self._host, self._port)
        return await self._collect(None, State.CONNECTED, expect=True)

    async def send(self, data: bytes) -> Step:
        before = self._view.state
        if self.closed or self._stream is None:
            return Step(data, (), before)
        expect = self._view.expects_reply(data)
        self._view.sent(data)
        try:
            await self._stream.send_all(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            self._eof = True
            return Step(data, (), before)
        return await self._collect(data, before, expect=expect)

    async def _collect(self, sent: bytes | None, before: State, *, expect: bool) -> Step:
        answers: list[Answer] = []
        if expect:
            with trio.move_on_after(self._reply_wait):
                answer = await self._next_answer()
                answers += [answer] if answer else []
        tls, refused = None, None
        if self._view.tls_due:
            self._view.tls_due = False
            tls, refused = await self._start_tls()
        else:
            with trio.move_on_after(STRAY_WAIT):
                while not self._eof and (answer := await self._next_answer()) is not None:
                    answers.append(answer)
        if self.closed:
            await self.aclose()
        return Step(sent, tuple(answers), before, tls, refused)

    async def _start_tls(self) -> tuple[TlsInfo | None, str | None]:
        """After 220 to STARTTLS: the handshake, verified by the system's trust store.

        An untrusted certificate without ``--verify`` is shown with a warning: the console
        connects again, repeats EHLO and STARTTLS (after STARTTLS the session starts over
        anyway) and goes on unverified. Returns the TLS details, or why it was refused.
        """
        assert self._stream is not None
        try:
            self._stream, info = await handshake(self._stream, verifying_context(), self._host)
        except trio.BrokenResourceError as err:
            problem = verify_problem(err)
            if problem is None or self._verify:
                self._eof = True
                return None, problem or str(err.__cause__ or err)
            return await self._start_unverified(problem), None
        self._tls = True
        return info, None

    async def _start_unverified(self, problem: str) -> TlsInfo | None:
        stream = await trio.open_tcp_stream(self._host, self._port)
        parser = ReplyParser()
        helo = (self._view.starttls_helo or "client.example").encode()
        for line in (b"", b"EHLO " + helo + b"\r\n", b"STARTTLS\r\n"):
            if line:
                await stream.send_all(line)
            reply = await _read_reply(stream, parser)
            if reply is None or reply.code >= 400:
                await trio.aclose_forcefully(stream)
                self._eof = True
                return None
        self._stream, info = await handshake(stream, unverified_context(), self._host,
                                             problem=problem)
        self._tls = True
        return info

    async def _next_answer(self) -> Answer | None:
        """The next complete reply, or None when the server closed the connection."""
        assert self._stream is not None
        try:
            return await self._parse_answer()
        except ReplyTooLong as err:  # bounded memory whatever the server sends
            self._eof = True
            return Answer(err.head, 0, None, (), True, problem="connect.reply-too-long")

    async def _parse_answer(self) -> Answer | None:
        assert self._stream is not None
        while (reply := self._parser.next_reply()) is None:
            try:
                chunk = await self._stream.receive_some(RECEIVE_SIZE)
            except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
                chunk = b""
            if not chunk:
                self._eof = True
                return None
            self._parser.feed(bytes(chunk))
        after = self._view.received(reply.code) if reply.code else ""
        closes = self._view.state is State.CLOSED
        return Answer(reply.raw, reply.code, reply.enhanced, reply.lines, closes, after=after)

    async def aclose(self) -> None:
        self._eof = True
        if self._stream is not None:
            await trio.aclose_forcefully(self._stream)

    @property
    def closed(self) -> bool:
        return self._eof or self._view.state is State.CLOSED

    def view(self) -> SessionView:
        view = self._view
        state = State.CLOSED if self.closed else view.state
        return SessionView(state, view.sender, view.recipients, view.accepted,
                           tls=self._tls, user=view.user)

    def messages(self) -> list[StoredMessage] | None:
        return None


__all__ = ["Answer", "Connection", "LocalConnection", "SessionView", "Step", "TcpConnection",
           "explain", "parse_peer"]
