"""The trio side of the server: drive one engine Session over any ``trio.abc.Stream``.

:func:`serve_stream` is the whole conversation for one client: the 220 greeting, then bytes
in, replies out, until an Exchange says the server closes (221, 421). Every Exchange is also
published on a channel for whoever watches (the console, the ``serve`` log, an instructor
view). The same function serves each TCP connection (:func:`serve_tcp`) and the console's
in-process session (:func:`open_local_session`, memory streams, no sockets).

Failure stays inside its session: a client that vanishes, resets, stalls or sends garbage
ends only its own conversation, and a bug is logged rather than raised into the nursery that
holds every other client.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Final, TypeVar

import trio
import trio.testing

from .protocol import Exchange, Policy, Session, State, make_reply
from .store import MemoryStore, Store

RECEIVE_SIZE: Final = 16 * 1024
"""Octets read per receive: bounds what one read can add to a session's memory."""
FAREWELL_SECONDS: Final = 1.0
"""At shutdown, how long a client gets to take its 421 before the socket is closed anyway."""
LINGER_SECONDS: Final = 2.0
"""After a closing reply, at most this long is spent draining the client's last bytes so the
close is a FIN (a reply followed by a reset can be lost in the client's kernel)..."""
QUIET_SECONDS: Final = 0.1
"""...and the draining stops as soon as the client has been silent this long."""

Publish = Callable[[Exchange], None]
T = TypeVar("T")

log = logging.getLogger(__name__)


def local_clock() -> datetime.datetime:
    """Now, with the local UTC offset: the time stamp of the Received: header (RFC 5322 §3.3)."""
    return datetime.datetime.now().astimezone()


def publisher(feed: trio.MemorySendChannel[Exchange] | None) -> Publish:
    """A function that offers each Exchange to ``feed`` without ever waiting.

    A watcher that falls behind a bounded channel misses Exchanges instead of stalling the
    session; a watcher that went away is ignored.
    """
    if feed is None:
        return _ignore

    def publish(exchange: Exchange) -> None:
        offer(feed, exchange)

    return publish


def offer(feed: trio.MemorySendChannel[T], item: T) -> None:
    """Put ``item`` on ``feed`` if there is room now; drop it if not, or if nobody listens."""
    with suppress(trio.WouldBlock, trio.BrokenResourceError, trio.ClosedResourceError):
        feed.send_nowait(item)


def _ignore(exchange: Exchange) -> None:
    del exchange


async def serve_stream(
    stream: trio.abc.Stream,
    *,
    policy: Policy,
    store: Store,
    feed: trio.MemorySendChannel[Exchange] | None = None,
    peer: str = "memory",
    session_id: str = "S1",
    idle_timeout: float | None = None,
    session: Session | None = None,
) -> None:
    """Hold one SMTP conversation on ``stream``, then close it.

    Accepted messages are delivered to ``store`` before their 250 is sent (in a worker
    thread when the store blocks); a store that fails turns the 250 into 451 4.3.0.
    ``idle_timeout`` seconds without a byte from the client end the session with 421 4.4.2.
    Cancelling the caller (server shutdown) sends 421 4.3.2 before the stream is closed.
    """
    if session is None:
        session = Session(policy, peer=peer, session_id=session_id, clock=local_clock)
    await drive(stream, session, store, publisher(feed), idle_timeout)


async def drive(stream: trio.abc.Stream, session: Session, store: Store, publish: Publish,
                idle_timeout: float | None) -> None:
    """:func:`serve_stream` with the feed already turned into a publish function."""
    try:
        try:
            await _converse(stream, session, store, publish, idle_timeout)
        except trio.Cancelled:
            if session.state is State.CLOSED:
                raise  # already said goodbye (221 or 421); just close
            with trio.CancelScope(shield=True) as farewell:
                farewell.deadline = trio.current_time() + FAREWELL_SECONDS
                await _say_last(stream, session.shutdown(), publish, FAREWELL_SECONDS)
            raise
    except (trio.BrokenResourceError, trio.ClosedResourceError):
        pass  # the client went away; there is nobody left to answer
    except Exception:
        log.exception("session %s (%s) failed", session.session_id, session.peer)
    finally:
        await trio.aclose_forcefully(stream)


async def _converse(stream: trio.abc.Stream, session: Session, store: Store,
                    publish: Publish, idle_timeout: float | None) -> None:
    """Greeting, then receive -> engine -> store -> reply until the engine closes."""
    greeting = session.greeting()
    publish(greeting)
    await stream.send_all(greeting.reply.to_bytes())
    idle = math.inf if idle_timeout is None else idle_timeout
    with trio.CancelScope() as waiting:
        while True:
            waiting.deadline = trio.current_time() + idle
            data = await stream.receive_some(RECEIVE_SIZE)
            if not data:
                return  # the client hung up: whatever it was sending is dropped
            wire, closing = await _answer(session, store, publish, data)
            if wire:
                await stream.send_all(wire)
            if closing:
                await _linger(stream, LINGER_SECONDS)
                return
    # RFC 5321 §4.5.3.2: a server may close an idle session, and says 421 when it does.
    await _say_last(stream, session.timeout(), publish, FAREWELL_SECONDS)


async def _answer(session: Session, store: Store, publish: Publish,
                  data: bytes | bytearray) -> tuple[bytes, bool]:
    """Feed ``data`` to the engine; the reply bytes to send, and whether the session ends.

    Replies to pipelined commands (RFC 2920) go out together, in order, in one write.
    """
    wire = bytearray()
    chunk = data if isinstance(data, bytes) else bytes(data)
    for exchange in session.receive_data(chunk):
        if exchange.message is not None:
            exchange = await _keep(session, store, exchange)
        publish(exchange)
        wire += exchange.reply.to_bytes()
        if exchange.closes:
            return bytes(wire), True
    return bytes(wire), False


async def _keep(session: Session, store: Store, exchange: Exchange) -> Exchange:
    """Store the message of ``exchange``; on failure the engine's 451 replaces the 250."""
    assert exchange.message is not None
    try:
        if store.blocking:
            await trio.to_thread.run_sync(store.deliver, exchange.message)
        else:
            store.deliver(exchange.message)
    except OSError:
        log.exception("could not store message %s", exchange.message.queue_id)
        return session.storage_failed(exchange)
    return exchange


async def _say_last(stream: trio.abc.Stream, exchange: Exchange, publish: Publish,
                    linger: float) -> None:
    """Send a closing reply (421) and close gracefully, within ``linger`` seconds."""
    publish(exchange)
    with trio.move_on_after(linger):
        await stream.send_all(exchange.reply.to_bytes())
        await _linger(stream, linger)


async def _linger(stream: trio.abc.Stream, seconds: float) -> None:
    """Half-close, then read and drop what the client still sends until it is quiet.

    Closing a TCP socket with unread input sends a reset, which can destroy the reply the
    client has not read yet; draining first makes the close an orderly FIN. Other streams
    (the console's memory streams) have no such problem and close at once.
    """
    with trio.move_on_after(seconds):
        if isinstance(stream, trio.abc.HalfCloseableStream):
            await stream.send_eof()
        if isinstance(stream, trio.SocketStream):
            while True:
                with trio.move_on_after(QUIET_SECONDS) as quiet:
                    data = await stream.receive_some(RECEIVE_SIZE)
                if quiet.cancelled_caught or not data:
                    return


@dataclass
class LocalSession:
    """An in-process session for the console: the client's end of the wire, and the feed."""

    client: trio.abc.Stream
    """Write command bytes, read reply bytes, exactly as a TCP client would."""
    exchanges: trio.MemoryReceiveChannel[Exchange]
    """Each Exchange in order (the greeting first); closed when the session ends."""
    session: Session
    """The engine, for a toolbar to read (state, mail, recipients, helo); do not drive it."""
    store: Store


@asynccontextmanager
async def open_local_session(*, policy: Policy | None = None, store: Store | None = None,
                             session_id: str = "S1") -> AsyncIterator[LocalSession]:
    """Run one session over a trio memory stream pair: no sockets at all.

    Leaving the block ends the session (the server side says 421 4.3.2 if it was still open).
    """
    policy = policy or Policy()
    store = MemoryStore() if store is None else store
    session = Session(policy, peer="console", session_id=session_id, clock=local_clock)
    client, server = trio.testing.memory_stream_pair()
    send, receive = trio.open_memory_channel[Exchange](math.inf)

    async def run() -> None:
        async with send:
            await drive(server, session, store, publisher(send), None)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(run)
        try:
            yield LocalSession(client, receive, session, store)
        finally:
            nursery.cancel_scope.cancel()


@dataclass(frozen=True, slots=True)
class PeerExchange:
    """An Exchange of one TCP session, tagged with the session it belongs to."""

    session_id: str
    peer: str
    exchange: Exchange


async def serve_tcp(
    *,
    policy: Policy,
    store: Store,
    host: str = "127.0.0.1",
    port: int = 2525,
    max_clients: int = 200,
    idle_timeout: float = 300.0,
    feed: trio.MemorySendChannel[PeerExchange] | None = None,
    task_status: trio.TaskStatus[int] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Accept SMTP clients on ``host``:``port`` until cancelled; one session per connection.

    ``task_status.started`` gets the port actually bound (useful with ``port=0``). A client
    beyond ``max_clients`` open sessions is told 421 4.7.0 at once and disconnected. When
    cancelled (Ctrl-C, SIGTERM), every open session gets 421 4.3.2 before its socket closes.
    trio's default listen backlog is kept, so a burst of connects waits in the kernel queue
    instead of being refused.
    """
    listeners = await open_listeners(host, port)
    clients = _Clients(policy, store, max_clients, idle_timeout, feed)
    async with trio.open_nursery() as nursery:
        await nursery.start(trio.serve_listeners, clients.handle, listeners)
        task_status.started(listeners[0].socket.getsockname()[1])


async def open_listeners(host: str, port: int) -> list[trio.SocketListener]:
    """Bind ``host``:``port``; with port 0 keep one listener, so there is one port to print."""
    listeners = await trio.open_tcp_listeners(port, host=host)
    if port == 0:
        for extra in listeners[1:]:
            await extra.aclose()
        listeners = listeners[:1]
    return listeners


def peer_name(stream: trio.SocketStream) -> str:
    """``host:port`` of the client (``[v6]:port`` for IPv6), or ``unknown`` once it is gone."""
    try:
        address = stream.socket.getpeername()
    except OSError:
        return "unknown"
    host, port = address[0], address[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _Clients:
    """The connection handler of one listener: counts sessions, enforces max_clients."""

    def __init__(self, policy: Policy, store: Store, max_clients: int, idle_timeout: float,
                 feed: trio.MemorySendChannel[PeerExchange] | None) -> None:
        self.policy = policy
        self.store = store
        self.max_clients = max_clients
        self.idle_timeout = idle_timeout
        self.feed = feed
        self.active = 0
        self.connections = 0

    async def handle(self, stream: trio.SocketStream) -> None:
        self.connections += 1
        session_id, peer = f"S{self.connections}", peer_name(stream)
        publish = self._publisher(session_id, peer)
        if self.active >= self.max_clients:
            await self._refuse(stream, publish)
            return
        self.active += 1
        try:
            session = Session(self.policy, peer=peer, session_id=session_id, clock=local_clock)
            await drive(stream, session, self.store, publish, self.idle_timeout)
        finally:
            self.active -= 1

    async def _refuse(self, stream: trio.SocketStream, publish: Publish) -> None:
        """RFC 5321 §3.1: a server too busy to serve says 421 instead of 220, and closes."""
        reply = make_reply("session.too-many-clients", host=self.policy.hostname)
        exchange = Exchange(b"", None, reply, State.CONNECTED, State.CLOSED, closes=True)
        try:
            await _say_last(stream, exchange, publish, FAREWELL_SECONDS)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass
        finally:
            await trio.aclose_forcefully(stream)

    def _publisher(self, session_id: str, peer: str) -> Publish:
        feed = self.feed
        if feed is None:
            return _ignore

        def publish(exchange: Exchange) -> None:
            offer(feed, PeerExchange(session_id, peer, exchange))

        return publish
