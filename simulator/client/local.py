"""The built-in server as a connection: the engine over in-process memory streams (and
TLS over them when the server offers it)."""

from __future__ import annotations

import contextlib
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
from simulator.server.conversation import RECEIVE_SIZE  # one read size, both ends

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


def _drain(local: LocalSession) -> list[Exchange]:
    out: list[Exchange] = []
    while True:
        try:
            out.append(local.exchanges.receive_nowait())
        except (trio.WouldBlock, trio.EndOfChannel):
            return out
