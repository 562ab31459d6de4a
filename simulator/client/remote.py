"""A real SMTP server over TCP (``--connect``): replies cut from the byte stream and
explained by code; STARTTLS upgrades the client side too."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

import trio

from simulator.client.errors import ClosedBeforeGreeting, NoGreeting, connect_timed_out
from simulator.client.tls import (
    TlsInfo,
    handshake,
    unverified_context,
    verify_problem,
    verifying_context,
)
from simulator.client.wire import ClientView, ReplyParser, ReplyTooLong, WireReply
from simulator.protocol import State
from simulator.server.closing import RECEIVE_SIZE  # one read size, both ends

if TYPE_CHECKING:
    from simulator.server.store import StoredMessage

from . import connection
from .connection import REPLY_WAIT, STRAY_WAIT, Answer, SessionView, Step


class TcpConnection:
    """A real SMTP server over TCP: replies are cut from the byte stream, explained by code."""

    def __init__(self, host: str, port: int, *, verify: bool = False,
                 reply_wait: float | None = None, connect_wait: float | None = None,
                 on_retry: Callable[[str], None] | None = None) -> None:
        """``verify``: refuse a certificate the system does not trust (else warn, go on);
        ``reply_wait``: seconds to wait for a reply that must come; ``connect_wait``: for
        the connection and the greeting (an OSError that says which did not come);
        ``on_retry``: told why, before connecting again without verification (so the
        console says so first)."""
        self._host, self._port = host, port
        self._verify = verify
        self._on_retry = on_retry
        self._reply_wait = REPLY_WAIT if reply_wait is None else reply_wait
        self._connect_wait = connection.CONNECT_WAIT if connect_wait is None else connect_wait
        self._greeted = False
        self.peer = f"{host}:{port}"
        self._stream: trio.abc.Stream | None = None
        self._tls = False
        self._parser = ReplyParser()
        self._view = ClientView()
        self._eof = False

    async def start(self) -> Step:
        """Connect and read the greeting; an OSError (connect_error() tells it) when there is
        no connection or no greeting within ``connect_wait`` seconds."""
        with trio.move_on_after(self._connect_wait):
            self._stream = await trio.open_tcp_stream(self._host, self._port)
        if self._stream is None:
            raise connect_timed_out(self._connect_wait)
        with trio.move_on_after(self._connect_wait):
            greeting = await self._next_answer()
            if greeting is None:
                await self.aclose()
                raise ClosedBeforeGreeting()
            step = await self._collect(None, State.CONNECTED, expect=False)
            self._greeted = True
            return dataclasses.replace(step, answers=(greeting, *step.answers))
        await self.aclose()
        raise NoGreeting(self._connect_wait)

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
            # Close the failed connection now: left open, the server would wait for the rest
            # of a handshake that never comes, a phantom session in its log.
            await trio.aclose_forcefully(self._stream)
            problem = verify_problem(err)
            if problem is None or self._verify:
                self._eof = True
                return None, problem or str(err.__cause__ or err)
            if self._on_retry is not None:
                self._on_retry(problem)
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
                           tls=self._tls, user=view.user,
                           connecting=not self._greeted and not self.closed)

    def messages(self) -> list[StoredMessage] | None:
        return None


async def _read_reply(stream: trio.abc.Stream, parser: ReplyParser) -> WireReply | None:
    with trio.move_on_after(REPLY_WAIT):
        while (reply := parser.next_reply()) is None:
            chunk = await stream.receive_some(RECEIVE_SIZE)
            if not chunk:
                return None
            parser.feed(bytes(chunk))
        return reply
    return None
