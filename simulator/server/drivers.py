"""The server's public faces, on trio: one session on any stream, the console's in-process
session, and the TCP listener of ``smtp-sim serve``.

- :func:`serve_stream` runs one SMTP session over any ``trio.abc.Stream``;
- :func:`open_local_session` gives the console a memory stream pair and the Exchange feed:
  no sockets at all;
- :func:`serve_tcp` accepts real clients (telnet, nc, swaks, smtplib, curl), one session
  per connection, with a limit on clients, an idle timeout, and a 421 for everyone at
  shutdown.

Their options are frozen records (:mod:`simulator.server.options`); the conversation loop
they share is :mod:`simulator.server.conversation`.
"""

from __future__ import annotations

import math
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Final, NamedTuple

import trio

from simulator.protocol import Exchange, Policy, Session, State, Then, make_reply
from simulator.protocol.events import SessionEnd
from simulator.protocol.memory import Memory
from simulator.protocol.referee import client_address
from simulator.server.closing import say_last
from simulator.server.conversation import drive, local_clock
from simulator.server.deadlines import NO_LIMITS, Stopping, Timeouts
from simulator.server.dkimcheck import with_dkim
from simulator.server.feeds import Feed, Publish, ignore, publisher
from simulator.server.memstream import stream_pair
from simulator.server.options import StreamOptions, TcpOptions
from simulator.server.store import MemoryStore, Store
from simulator.server.tcp import SocketConnection, accept_connections, open_listeners
from simulator.server.tls import UpgradableStream
from simulator.server.wire import AnyStream

__all__ = ["Listening", "LocalSession", "PeerExchange", "SessionEnd", "Watchers",
           "open_local_session", "serve_stream", "serve_tcp"]

ONE_STREAM: Final = StreamOptions()
"""serve_stream's options by default: no time limits, no TLS, no memory across sessions."""
CLASSROOM: Final = TcpOptions()
"""serve_tcp's options by default: loopback port 2525, 200 clients, RFC 5321's time limits."""


async def serve_stream(stream: trio.abc.Stream, *, policy: Policy, store: Store,
                       options: StreamOptions = ONE_STREAM,
                       feed: trio.MemorySendChannel[Exchange] | None = None,
                       session: Session | None = None, drain: bool = False) -> None:
    """Hold one SMTP conversation on ``stream``, then close it.

    Accepted messages are delivered to ``store`` before their 250 is sent (in a worker
    thread when the store blocks); a store that fails turns the 250 into 451 4.3.0, or
    452 4.3.1 when it is full. A client slower than ``options.timeouts`` allow is told
    421 4.4.2. Cancelling the caller (server shutdown) sends 421 4.3.2 before the stream is
    closed; a 250 already due still goes out first, within REPLY_SECONDS. Each Exchange is
    offered to ``feed``. ``session`` is the engine to drive (by default a new one, from
    ``policy`` and ``options``). ``drain``: the stream is a network connection, so before
    closing after a 421 the client's last input is read, to make the close a FIN rather
    than a reset that could destroy the 421 (see :func:`~simulator.server.closing.linger`).
    """
    if session is None:
        session = _new_session(policy, options.peer, options.session_id, options.memory,
                               options.tls)
    stopping = Stopping()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(stopping.stop_when_cancelled)
        await drive(UpgradableStream(AnyStream(stream), options.tls), session, store,
                    publisher(feed), timeouts=options.timeouts, stopping=stopping, drain=drain,
                    implicit_tls=policy.implicit_tls and options.tls is not None)
        nursery.cancel_scope.cancel()


def _new_session(policy: Policy, peer: str, session_id: str, memory: Memory | None,
                 tls: ssl.SSLContext | None, watch_url: str | None = None) -> Session:
    """An engine on the server's clocks (the local time, trio's time for its limits), with
    DKIM verified against the scenario's zone (dkimcheck.py)."""
    return Session(with_dkim(policy), peer=peer, session_id=session_id, clock=local_clock,
                   memory=memory, timer=trio.current_time, tls_available=tls is not None,
                   watch_url=watch_url)


@dataclass
class LocalSession:
    """An in-process session for the console: the client's end of the wire, and the feed."""

    client: trio.abc.Stream
    """Write command bytes, read reply bytes, exactly as a TCP client would."""
    exchanges: trio.MemoryReceiveChannel[Exchange]
    """Each Exchange in order (the greeting first); closed when the session ends. Every
    Exchange a chunk of input causes is published before any of their reply bytes is
    written, so once a reply's bytes are read, its Exchange is already waiting here. An
    Exchange can also come when the client sent nothing: the 421 4.4.2 of a timeout."""
    session: Session
    """The engine, for a toolbar to read (state, mail, recipients, helo); do not drive it."""
    store: Store


@asynccontextmanager
async def open_local_session(*, policy: Policy | None = None, store: Store | None = None,
                             session_id: str = "S1", memory: Memory | None = None,
                             tls: ssl.SSLContext | None = None,
                             timeouts: Timeouts = NO_LIMITS) -> AsyncIterator[LocalSession]:
    """Run one session (:func:`serve_stream`) over an in-memory stream pair: no sockets.

    ``memory`` carries greylisting and rate limits from one session to the next (give the
    same object to every session of one console). With ``tls`` (the server's certificate)
    STARTTLS really negotiates over the memory streams: the client end must then wrap
    ``client`` in its own ``trio.SSLStream``. ``timeouts`` (by default none) close a
    session left silent with the engine's 421 4.4.2, as ``smtp-sim serve`` does.

    Leaving the block ends the session (the server side says 421 4.3.2 if it was still open).
    """
    policy = policy or Policy()
    store = MemoryStore() if store is None else store
    options = StreamOptions(timeouts, tls, memory, peer="console", session_id=session_id)
    session = _new_session(policy, options.peer, session_id, memory, tls)
    client, server = stream_pair()
    send, receive = trio.open_memory_channel[Exchange](math.inf)

    async def run() -> None:
        async with send:
            await serve_stream(server, policy=policy, store=store, options=options, feed=send,
                               session=session)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(run)
        try:
            yield LocalSession(client, receive, session, store)
        finally:
            nursery.cancel_scope.cancel()


class PeerExchange(NamedTuple):
    """An Exchange of one TCP session, tagged with the session it belongs to.

    (A NamedTuple: one is made per reply, and it is the cheapest immutable record.)
    """

    session_id: str
    peer: str
    exchange: Exchange
    at: float = 0.0
    """trio's clock when the reply was given (the grader judges a greylisting retry by it)."""
    user: str | None = None
    """Who had logged in with AUTH when the reply was given (``serve --lesson`` knows a
    student by it)."""


ClientTask = Coroutine[object, object, None]
"""A client's task (see :meth:`_Clients.handle`)."""
Farewell = Callable[[str, Exchange], Awaitable[Exchange]]
"""Given a session's id and its 221 to QUIT, the 221 to send (drive's ``farewell``)."""


@dataclass(frozen=True, slots=True)
class Watchers:
    """Who watches serve_tcp's sessions (the log, the dashboard, the grader)."""

    feed: Feed[PeerExchange | SessionEnd] | None = None
    """Each Exchange tagged with its session, then the session's :class:`SessionEnd`, in
    order. Lossy: an item that finds no room is dropped and counted in ``feed.missed`` (a
    slow watcher never slows a client)."""
    farewell: Farewell | None = None
    """May change a session's 221 to QUIT (``serve --lesson`` names the steps done)."""


UNWATCHED: Final = Watchers()


@dataclass(frozen=True, slots=True)
class Listening:
    """What serve_tcp bound, as its ``task_status.started`` reports it."""

    port: int
    """The main port (the one asked for, or the one chosen for port 0)."""
    tls_port: int | None = None
    """The implicit-TLS port (``TcpOptions.tls_port``); None without one."""


async def serve_tcp(*, policy: Policy, store: Store, options: TcpOptions = CLASSROOM,
                    watchers: Watchers = UNWATCHED, stopping: Stopping | None = None,
                    task_status: trio.TaskStatus[Listening] = trio.TASK_STATUS_IGNORED) -> None:
    """Accept SMTP clients where ``options`` say until cancelled; one session per connection.

    ``task_status.started`` gets the ports bound (:class:`Listening`; useful with port 0),
    or the nursery's ``start`` raises :class:`~.tcp.ListenError` naming the port that could not be
    bound, with nothing left bound. trio's listen backlog is kept, so a burst of connects
    waits in the kernel queue instead of being refused. When cancelled (Ctrl-C, SIGTERM),
    every open session gets 421 4.3.2 before its socket closes; ``stopping`` (made here when
    not given) tells the caller how many messages are still being stored. ``watchers`` get
    every Exchange and each session's end (see :class:`Watchers`).
    """
    listeners, implicit = await _listen(options)
    stopping = stopping or Stopping()
    clients = _Clients(policy, store, options, stopping, watchers)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(stopping.stop_when_cancelled)
        for listener in listeners:
            nursery.start_soon(accept_connections, listener, clients.handle, nursery)
        for listener in implicit:
            nursery.start_soon(accept_connections, listener, clients.handle_implicit, nursery)
        task_status.started(Listening(_port(listeners[0]),
                                      _port(implicit[0]) if implicit else None))


def _port(listener: trio.SocketListener) -> int:
    port: int = listener.socket.getsockname()[1]
    return port


async def _listen(options: TcpOptions) -> tuple[list[trio.SocketListener],
                                                list[trio.SocketListener]]:
    """The main port's listeners and the implicit-TLS port's (none without --tls-port); a
    ListenError naming the port that could not be bound, with nothing left bound."""
    listeners = await open_listeners(options.host, options.port)
    try:
        implicit = [] if options.tls is None or options.tls_port is None else (
            await open_listeners(options.host, options.tls_port))
    except OSError:
        for listener in listeners:  # the main port is not left bound behind the error
            await listener.aclose()
        raise
    return listeners, implicit


class _Clients:
    """The connection handler of serve_tcp: numbers sessions, enforces max_clients and
    max_per_client."""

    def __init__(self, policy: Policy, store: Store, options: TcpOptions, stopping: Stopping,
                 watchers: Watchers) -> None:
        self.policy = policy
        self.store = store
        self.max_clients = options.max_clients
        self.max_per_client = options.max_per_client
        self.per_address: dict[str, int] = {}
        """Open sessions per client address (an address leaves when its last one ends)."""
        self.timeouts = options.timeouts
        self.tls = options.tls
        self.memory = options.memory if options.memory is not None else Memory()
        self.stopping = stopping
        self.watch_ahead = options.watch_ahead
        self.watch = options.watch
        self.counted_as = options.counted_as
        self.feed = watchers.feed
        self.farewell = watchers.farewell
        self.active = 0
        self.connections = 0

    def handle_implicit(self, connection: SocketConnection, peer: str) -> ClientTask:
        """A client of the implicit-TLS port: the handshake comes before anything else."""
        return self.handle(connection, peer, implicit=True)

    def handle(self, connection: SocketConnection, peer: str, *,
               implicit: bool = False) -> ClientTask:
        """The coroutine of one client's task: its conversation (drive's; one frame less
        held by each idle client than a coroutine of this method's awaiting it), or a 421."""
        self.connections += 1
        session_id = f"S{self.connections}"
        address = (self.counted_as and self.counted_as(peer)) or client_address(peer)
        held = self.per_address.get(address, 0)
        if self.active >= self.max_clients:
            return self._refuse(connection, session_id, peer, "session.too-many-clients")
        if self.max_per_client and held >= self.max_per_client:
            return self._refuse(connection, session_id, peer, "session.too-many-from-client")
        self.active += 1
        self.per_address[address] = held + 1
        watch_url = None if self.watch is None else self.watch(session_id, peer)
        session = _new_session(self.policy, peer, session_id, self.memory, self.tls, watch_url)
        # with AUTH each Exchange also says who had logged in
        publish = self._publisher(session_id, peer, session if self.policy.auth else None)
        farewell = None if self.farewell is None else partial(self.farewell, session_id)
        return drive(UpgradableStream(connection, self.tls), session, self.store, publish,
                     timeouts=self.timeouts, stopping=self.stopping, drain=True,
                     implicit_tls=implicit, watch_ahead=self.watch_ahead, farewell=farewell,
                     ended=partial(self._ended, address))

    def _ended(self, address: str, session: Session) -> None:
        """A session is over (its stream closed): its place is free, and watchers are told."""
        self.active -= 1
        self._left(address)
        if self.feed is not None:
            self.feed.offer(SessionEnd(session.session_id, session.peer, session.state))

    def _publisher(self, session_id: str, peer: str, session: Session | None) -> Publish:
        return ignore if self.feed is None else _Tagged(self.feed, session_id, peer, session)

    def _left(self, address: str) -> None:
        held = self.per_address[address] - 1
        if held:
            self.per_address[address] = held
        else:
            del self.per_address[address]  # the table holds only addresses connected now

    async def _refuse(self, connection: SocketConnection, session_id: str, peer: str,
                      key: str) -> None:
        """RFC 5321 §3.1: a server too busy to serve says 421 instead of 220, and closes
        (too many clients in all, or from this client's address, as Postfix's
        smtpd_client_connection_count_limit does)."""
        reply = make_reply(key, host=self.policy.hostname)
        exchange = Exchange(b"", None, reply, State.CONNECTED, State.CLOSED, Then.CLOSE)
        try:
            await say_last(connection, exchange, self._publisher(session_id, peer, None),
                           drain=True)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass
        finally:
            await connection.aclose_now()


class _Tagged:
    """Publishes each Exchange of one TCP session onto the feed, tagged with the session
    (and, given its ``session``, with who logged in). One per connection: a slotted object,
    smaller than a closure and its cells."""

    __slots__ = ("feed", "peer", "session", "session_id")

    def __init__(self, feed: Feed[PeerExchange | SessionEnd], session_id: str, peer: str,
                 session: Session | None) -> None:
        self.feed = feed
        self.session_id = session_id
        self.peer = peer
        self.session = session

    def __call__(self, exchange: Exchange) -> None:
        user = None if self.session is None else self.session.security.user
        self.feed.offer(PeerExchange(self.session_id, self.peer, exchange, trio.current_time(),
                                     user))
