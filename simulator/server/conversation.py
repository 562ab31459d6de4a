"""One SMTP conversation over a trio stream: the loop between the socket and the engine.

:func:`drive` sends the greeting, then feeds what arrives to the engine's Session, keeps
each accepted message in the store before its 250 goes out, and sends the replies, until an
Exchange says the server closes (221, 421), the client leaves, or the caller is cancelled
(server shutdown: 421 4.3.2). Every Exchange is offered to a publish function for watchers.

Failure stays inside its session: a client that vanishes, resets, stalls or sends garbage
ends only its own conversation, and a bug is logged rather than raised into the nursery that
holds every other client. The public faces of this loop are in :mod:`simulator.server`.
"""

from __future__ import annotations

import datetime
import functools
import logging
import math
import time
from collections.abc import Callable
from typing import Final, TypeVar

import trio

from simulator.protocol import Exchange, Session, State
from simulator.server.store import Store

RECEIVE_SIZE: Final = 16 * 1024
"""Octets read per receive: bounds what one read can add to a session's memory."""
FAREWELL_SECONDS: Final = 1.0
"""At shutdown, how long a client gets to take its 421 before the socket is closed anyway."""
LINGER_SECONDS: Final = 2.0
"""After a closing reply, at most this long is spent draining the client's last bytes so the
close is a FIN (a reply followed by a reset can be lost in the client's kernel)..."""
QUIET_SECONDS: Final = 0.1
"""...and the draining stops as soon as the client has been silent this long."""
REPLY_SECONDS: Final = 1.5
"""How long the replies that report a stored message may take to go out, even during
shutdown: a client that has not taken its 250 by then (its socket buffers are full: it has
stopped reading) is disconnected. Short, so Ctrl-C still ends the server within 2 s."""

Publish = Callable[[Exchange], None]
T = TypeVar("T")

log = logging.getLogger(__name__)


def local_clock() -> datetime.datetime:
    """Now, with the local UTC offset: the time stamp of the Received: header (RFC 5322 §3.3)."""
    return _local_time(int(time.time()))


@functools.lru_cache(maxsize=1)
def _local_time(second: int) -> datetime.datetime:
    # The header shows whole seconds, and finding the local zone is the costly part: once
    # per second is enough.
    return datetime.datetime.fromtimestamp(second).astimezone()


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


def offer(feed: trio.MemorySendChannel[T], item: T) -> bool:
    """Put ``item`` on ``feed`` if there is room now; drop it if not, or if nobody listens."""
    try:
        feed.send_nowait(item)
    except (trio.WouldBlock, trio.BrokenResourceError, trio.ClosedResourceError):
        return False
    return True


def _ignore(exchange: Exchange) -> None:
    del exchange


async def drive(stream: trio.abc.Stream, session: Session, store: Store, publish: Publish,
                *, idle_timeout: float | None = None, drain: bool = False) -> None:
    """Hold the conversation of ``session`` on ``stream``, then close the stream.

    ``idle_timeout`` seconds without a byte from the client end it with 421 4.4.2.
    ``drain`` is for TCP: before closing after a 421, read what the client still sends, so
    the close is a FIN and not a reset that could destroy the 421 (see :func:`_linger`).
    """
    try:
        try:
            await _converse(stream, session, store, publish, idle_timeout, drain)
        except trio.Cancelled:
            if session.state is State.CLOSED:
                raise  # already said goodbye (221 or 421); just close
            with trio.CancelScope(shield=True) as farewell:
                farewell.deadline = trio.current_time() + FAREWELL_SECONDS
                await say_last(stream, session.shutdown(), publish, drain)
            raise
    except (trio.BrokenResourceError, trio.ClosedResourceError):
        pass  # the client went away; there is nobody left to answer
    except Exception:
        log.exception("session %s (%s) failed", session.session_id, session.peer)
    finally:
        await stream.aclose()  # closes at once, even when cancelled


async def _converse(stream: trio.abc.Stream, session: Session, store: Store,
                    publish: Publish, idle_timeout: float | None, drain: bool) -> None:
    """Greeting, then receive -> engine -> reply until the engine closes.

    Only the client's silence counts against ``idle_timeout``: the deadline covers the loop
    of :func:`_until_message`, and a chunk that completes a message leaves that loop, so its
    store and its 250 happen outside the deadline (see :func:`_deliver`); a fresh deadline
    starts after each message.
    """
    greeting = session.greeting()
    publish(greeting)
    if greeting.delay:
        await trio.sleep(greeting.delay)  # a scenario rule: a slow greeting
    if not greeting.hang_up:
        await stream.send_all(greeting.reply.to_bytes())
    if greeting.closes:  # a scenario refused the connection (421, 554)
        await _close_after(stream, greeting, drain)
        return
    idle = math.inf if idle_timeout is None else idle_timeout
    while True:
        pending: list[Exchange] | None = None
        with trio.CancelScope(deadline=trio.current_time() + idle) as waiting:
            pending = await _until_message(stream, session, publish, idle, drain, waiting)
        if waiting.cancelled_caught:
            if session.state is not State.CLOSED:
                # RFC 5321 §4.5.3.2: a server may close an idle session, and says 421.
                await say_last(stream, session.timeout(), publish, drain)
            return
        if pending is None or not await _deliver(stream, session, store, publish, pending,
                                                 drain):
            return


async def _until_message(stream: trio.abc.Stream, session: Session, publish: Publish,
                         idle: float, drain: bool,
                         waiting: trio.CancelScope) -> list[Exchange] | None:
    """Answer commands until a chunk completes a message; that chunk's Exchanges, unanswered.

    None when the conversation is over (the client hung up, or a reply closed it). This is
    the hot path: one receive, one engine call and one send per chunk, and the deadline is
    moved only when it moved by more than a 64th of ``idle`` (a deadline change is a heap
    update in trio's scheduler).
    """
    slack = idle / 64
    while True:
        if (renewed := trio.current_time() + idle) - waiting.deadline > slack:
            waiting.deadline = renewed
        data = await stream.receive_some(RECEIVE_SIZE)
        if not data:
            return None  # the client hung up: whatever it was sending is dropped
        exchanges = session.receive_data(data if isinstance(data, bytes) else bytes(data))
        for exchange in exchanges:
            if exchange.message is not None:
                return exchanges
        segments, closing = _replies(exchanges, publish)
        for delay, wire in segments:
            if delay:
                await trio.sleep(delay)  # a scenario rule asked the server to wait
            if wire:
                await stream.send_all(wire)
        if closing is not None:
            await _close_after(stream, closing, drain)
            return None


Segments = list[tuple[float, bytes]]


def _replies(exchanges: list[Exchange], publish: Publish) -> tuple[Segments, Exchange | None]:
    """Publish ``exchanges``; their reply bytes, and the Exchange that closes (if any).

    Replies to pipelined commands (RFC 2920) go out together, in order, in one write; every
    Exchange is published before any of their bytes is written (the console relies on it).
    A reply a scenario delays starts a new write, after its delay (the first element of each
    segment); a silent disconnect (``hang_up``) sends nothing and closes.
    """
    segments: Segments = [(0.0, b"")]
    for exchange in exchanges:
        publish(exchange)
        if exchange.delay:
            segments.append((exchange.delay, b""))
        if not exchange.hang_up:
            delay, wire = segments[-1]
            segments[-1] = (delay, wire + exchange.reply.to_bytes())
        if exchange.closes:
            return segments, exchange
    return segments, None


async def _deliver(stream: trio.abc.Stream, session: Session, store: Store, publish: Publish,
                   exchanges: list[Exchange], drain: bool) -> bool:
    """Store each message of ``exchanges``, then send all their replies; False when over.

    Once a message is stored its 250 must go out: with that reply the server takes
    responsibility for the message (RFC 5321 §6.1), and a client that reads 421 instead
    sends it again, so it would be delivered twice (RFC 1047). So storing and sending are
    shielded from shutdown and from the idle deadline; the store cannot be interrupted
    anyway (a worker thread), and the send gets REPLY_SECONDS, after which a client that
    does not read is disconnected without another word.
    """
    waited = sum(exchange.delay for exchange in exchanges)
    if waited:
        await trio.sleep(waited)  # before the store: a shutdown meanwhile loses nothing accepted
    with trio.CancelScope(shield=True) as guard:
        answered: list[Exchange] = []
        for exchange in exchanges:
            if exchange.message is not None:
                exchange = await _keep(session, store, exchange)
            answered.append(exchange)
            if exchange.closes:
                break
        guard.deadline = trio.current_time() + REPLY_SECONDS
        segments, closing = _replies(answered, publish)
        await stream.send_all(b"".join(wire for _, wire in segments))
    if guard.cancelled_caught:
        log.warning("session %s (%s): reply not taken in %s s; disconnected",
                    session.session_id, session.peer, REPLY_SECONDS)
        return False
    if closing is not None:
        await _close_after(stream, closing, drain)
        return False
    return True


async def _close_after(stream: trio.abc.Stream, closing: Exchange, drain: bool) -> None:
    """Get ready to close after the reply ``closing``.

    After the 221 to QUIT the socket closes at once: the client asked to end and sends
    nothing more (RFC 5321 §4.1.1.10). After a 421 the client may still be sending, so its
    input is drained first (see :func:`_linger`).
    """
    if drain and closing.reply.key != "session.quit":
        await _linger(stream, LINGER_SECONDS)


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


async def say_last(stream: trio.abc.Stream, exchange: Exchange, publish: Publish,
                   drain: bool) -> None:
    """Send a closing reply (421) and close gracefully, within FAREWELL_SECONDS."""
    publish(exchange)
    with trio.move_on_after(FAREWELL_SECONDS):
        await stream.send_all(exchange.reply.to_bytes())
        if drain:
            await _linger(stream, FAREWELL_SECONDS)


async def _linger(stream: trio.abc.Stream, seconds: float) -> None:
    """Half-close, then read and drop what the client still sends until it is quiet.

    Closing a TCP socket with unread input sends a reset, which can destroy the reply the
    client has not read yet; draining first makes the close an orderly FIN.
    """
    with trio.move_on_after(seconds):
        if isinstance(stream, trio.abc.HalfCloseableStream):
            await stream.send_eof()
        while True:
            with trio.move_on_after(QUIET_SECONDS) as quiet:
                data = await stream.receive_some(RECEIVE_SIZE)
            if quiet.cancelled_caught or not data:
                return


