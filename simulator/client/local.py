"""The built-in server as a connection: the engine over in-process memory streams (and
TLS over them when the server offers it)."""

from __future__ import annotations

import contextlib
import dataclasses
import ssl
from typing import TYPE_CHECKING

import trio

from simulator.client.tls import (
    TlsInfo,
    handshake,
    verifying_context,
)
from simulator.protocol import Exchange, Policy, State, Then
from simulator.protocol.memory import Memory
from simulator.server import open_local_session
from simulator.server.closing import RECEIVE_SIZE  # one read size, both ends
from simulator.server.deadlines import NO_LIMITS, Timeouts

if TYPE_CHECKING:
    from simulator.server import LocalSession
    from simulator.server.store import MemoryStore, StoredMessage

from .connection import REPLY_WAIT, Answer, SessionView, Step


class LocalConnection:
    """The built-in server, over trio memory streams (no sockets): see server.open_local_session.

    The server publishes an Exchange for every reply. A command line always gets at least one
    reply (RFC 5321 §4.2), so the client waits for the first; message text gets none until
    the final dot, and a dot ends the message only at the start of a line (after a CRLF,
    RFC 5321 §4.1.1.4), so nothing is awaited for anything else: the console never waits
    for a reply that cannot come.

    With ``timeouts`` the server also speaks unasked: a session left silent too long gets
    the engine's 421 4.4.2 and is closed. That reply is never lost: the next :meth:`send`
    returns it first (and sends nothing, the connection being closed), and
    :meth:`wait_unsolicited` returns it as soon as it comes.
    """

    peer = "smtp-sim (built-in)"

    def __init__(self, *, policy: Policy, store: MemoryStore, session_id: str = "S1",
                 memory: Memory | None = None, tls: ssl.SSLContext | None = None,
                 ca: str | None = None, timeouts: Timeouts = NO_LIMITS) -> None:
        """``tls`` is the server's certificate for STARTTLS; ``ca`` the CA the client trusts
        (the generated one): the handshake is real, ``trio.SSLStream`` on both ends.
        ``timeouts`` are the server's limits (by default none: the console waits for the
        learner as long as it takes)."""
        self._policy = policy
        self._memory = memory
        self._store = store
        self._session_id = session_id
        self._tls, self._ca = tls, ca
        self._timeouts = timeouts
        self._stack = contextlib.AsyncExitStack()
        self._local: LocalSession | None = None
        self._stream: trio.abc.Stream | None = None
        self._secure = False  # the client's handshake is done (the server's may finish later)
        self._buffer = bytearray()
        self._closed = False
        self._line_start = True
        """In DATA: whether the text sent so far ends in CRLF (a dot there ends the message)."""
        self._turn = trio.Lock()
        """Held by whoever reads replies (a send, or wait_unsolicited): each is read once."""
        self._listening: trio.CancelScope | None = None
        """wait_unsolicited's wait, which a send interrupts (it takes its turn after)."""
        self._sending = 0
        """Sends under way or waiting for their turn (wait_unsolicited lets them go first)."""

    async def start(self) -> Step:
        self._local = await self._stack.enter_async_context(open_local_session(
            policy=self._policy, store=self._store, session_id=self._session_id,
            memory=self._memory, tls=self._tls, timeouts=self._timeouts))
        self._stream = self._local.client
        tls = None
        if self._policy.implicit_tls and self._tls is not None:
            tls = await self._start_tls()  # RFC 8314 §3.3: TLS from the first byte
            if tls is None:
                return Step(None, (), State.CONNECTED)
        step = await self._collect(None, State.CONNECTED, expect=True)
        return step if tls is None else dataclasses.replace(step, tls=tls)

    async def send(self, data: bytes) -> Step:
        """Send ``data``; the Step holds its replies, after any the server sent unasked
        since the last step (a timeout's 421: then nothing is sent, the session is over)."""
        local = self._require()
        self._sending += 1
        try:
            if self._listening is not None:
                self._listening.cancel()  # wait_unsolicited steps aside until this send is done
            async with self._turn:
                earlier = await self._read(_drain(local))
                return await self._send(data, local.session.state, earlier)
        finally:
            self._sending -= 1

    async def _send(self, data: bytes, state: State, earlier: tuple[Answer, ...]) -> Step:
        before = _state_before(earlier, state)
        if self._closed:
            return Step(data, earlier, before)
        # Only <CRLF>.<CRLF> ends a message (RFC 5321 §4.1.1.4), on a server that accepts
        # bare LFs too: a dot after or before a bare LF is text, and gets no reply.
        *earlier_lines, last = data.removesuffix(b"\r\n").split(b"\r\n")  # pipelined
        ends_message = (last == b"." and data.endswith(b"\r\n")
                        and (bool(earlier_lines) or self._line_start))
        expect = state is not State.DATA or ends_message
        self._line_start = state is not State.DATA or data.endswith(b"\r\n")
        try:
            await self._client().send_all(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            self._closed = True
            return Step(data, earlier, before)
        return await self._collect(data, before, expect=expect, earlier=earlier)

    async def wait_unsolicited(self) -> Step:
        """Wait until the server says something nobody asked for; that Step (``sent`` None).

        Today that is the 421 4.4.2 of a session left silent past the idle timeout, after
        which the connection is closed; an empty Step when the session ended without a word.
        Safe to run beside :meth:`send` (a console's background task): a send interrupts
        the wait, reads its own replies, and the wait resumes after it, so each reply goes
        to exactly one of them. Once the connection is closed nothing more can come, and
        this waits until cancelled.
        """
        local = self._require()
        while not self._closed:
            async with self._turn:
                if self._sending:
                    continue  # a send is waiting for its turn: it gets the lock first
                first: Exchange | None = None
                with trio.CancelScope() as listening:
                    self._listening = listening
                    first = await _next(local)
                self._listening = None
                if listening.cancelled_caught:
                    continue  # a send wants its turn: listen again after it
                if first is None:  # the session ended and said nothing
                    await self._hang_up()
                    return Step(None, (), local.session.state)
                return Step(None, await self._read([first]), first.state_before)
        await trio.sleep_forever()

    def _client(self) -> trio.abc.Stream:
        if self._stream is None:
            raise RuntimeError("start() the connection first")
        return self._stream

    async def _collect(self, sent: bytes | None, before: State, *, expect: bool,
                       earlier: tuple[Answer, ...] = ()) -> Step:
        local = self._require()
        exchanges = _drain(local)
        if not exchanges and expect:
            with trio.move_on_after(REPLY_WAIT), contextlib.suppress(trio.EndOfChannel):
                exchanges.append(await local.exchanges.receive())
        answers = await self._read(exchanges)
        tls = None
        if any(a.exchange is not None and a.exchange.then is Then.START_TLS for a in answers):
            tls = await self._start_tls()
        return Step(sent, earlier + answers, before, tls)

    async def _read(self, exchanges: list[Exchange]) -> tuple[Answer, ...]:
        """The answers of ``exchanges`` and of any published meanwhile; hangs up after a
        closing one."""
        local = self._require()
        answers: list[Answer] = []
        while exchanges:
            answers.append(await self._answer(exchanges.pop(0)))
            # The server publishes every Exchange a chunk causes before it writes their
            # bytes, so once these bytes are read, the rest of the chunk's replies are queued.
            exchanges += _drain(local)
        if any(answer.closes for answer in answers):
            await self._hang_up()
        return tuple(answers)

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
        return Answer(wire, reply.code, reply.enhanced, reply.lines, closes, exchange,
                      host=self._policy.hostname)

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


async def _next(local: LocalSession) -> Exchange | None:
    """The next Exchange published; None once the session is over."""
    try:
        return await local.exchanges.receive()
    except trio.EndOfChannel:
        return None


def _state_before(earlier: tuple[Answer, ...], state: State) -> State:
    """Where a step starts: before the first reply it holds, else the session's state."""
    for answer in earlier:
        if answer.exchange is not None:
            return answer.exchange.state_before
    return state


def _drain(local: LocalSession) -> list[Exchange]:
    out: list[Exchange] = []
    while True:
        try:
            out.append(local.exchanges.receive_nowait())
        except (trio.WouldBlock, trio.EndOfChannel):
            return out
