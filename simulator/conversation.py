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

from .protocol import Exchange, Session, State
from .store import Store

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
    """Greeting, then receive -> engine -> store -> reply until the engine closes."""
    greeting = session.greeting()
    publish(greeting)
    await stream.send_all(greeting.reply.to_bytes())
    idle = math.inf if idle_timeout is None else idle_timeout
    slack = idle / 64  # move the deadline only when it moved this much: saves a heap update
    with trio.CancelScope(deadline=trio.current_time() + idle) as waiting:
        while True:
            if (renewed := trio.current_time() + idle) - waiting.deadline > slack:
                waiting.deadline = renewed
            data = await stream.receive_some(RECEIVE_SIZE)
            if not data:
                return  # the client hung up: whatever it was sending is dropped
            wire, closing = await _answer(session, store, publish, data)
            if wire:
                await stream.send_all(wire)
            if closing is not None:
                if drain and closing.reply.key != "session.quit":
                    await _linger(stream, LINGER_SECONDS)
                return
    # RFC 5321 §4.5.3.2: a server may close an idle session, and says 421 when it does.
    await say_last(stream, session.timeout(), publish, drain)


async def _answer(session: Session, store: Store, publish: Publish,
                  data: bytes | bytearray) -> tuple[bytes, Exchange | None]:
    """Feed ``data`` to the engine; the reply bytes to send, and the Exchange that closes.

    Replies to pipelined commands (RFC 2920) go out together, in order, in one write.
    After the 221 to QUIT the socket closes at once: the client asked to end and sends
    nothing more (RFC 5321 §4.1.1.10). After a 421 the client may still be sending, so its
    input is drained first (see :func:`_linger`).
    """
    wire = bytearray()
    chunk = data if isinstance(data, bytes) else bytes(data)
    for exchange in session.receive_data(chunk):
        if exchange.message is not None:
            exchange = await _keep(session, store, exchange)
        publish(exchange)
        wire += exchange.reply.to_bytes()
        if exchange.closes:
            return bytes(wire), exchange
    return bytes(wire), None


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


