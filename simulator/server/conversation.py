"""One SMTP conversation over a trio stream: the loop between the socket and the engine.

:func:`drive` sends the greeting, then feeds what arrives to the engine's Session, keeps
each accepted message in the store before its 250 goes out, and sends the replies, until an
Exchange says the server closes (221, 421), the client leaves, or the caller is cancelled
(server shutdown: 421 4.3.2). Every Exchange is offered to a publish function for watchers.
The replies of one chunk go out together (:meth:`_Talk.send`, which also waits a scenario's
delay); :meth:`_Talk.follow` is where the driver then acts on the instruction of the Exchange
that ends the batch (today: close; a new instruction, such as starting TLS, goes there).

Every client is bounded in time (:mod:`simulator.server.deadlines`): silence, a command line
(timed from its first octet, so a line trickled one byte at a time cannot hold its connection
slot), and message text (each arrival, and the whole text) all have a limit.

Failure stays inside its session: a client that vanishes, resets, stalls or sends garbage
ends only its own conversation, and a bug is logged rather than raised into the nursery that
holds every other client. The public faces of this loop are in :mod:`simulator.server`.
"""

from __future__ import annotations

import dataclasses
import datetime
import errno
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Final

import trio

from simulator.protocol import Exchange, ReceivedMessage, Session, State, Then, make_reply
from simulator.protocol.dsn import later_report
from simulator.protocol.farewell import QUIT, QUIT_KEYS
from simulator.server.closing import (
    FAREWELL_SECONDS,
    LINGER_SECONDS,
    RECEIVE_SIZE,
    linger,
    say_last,
)
from simulator.server.deadlines import NO_LIMITS, Deadline, Stopping, Timeouts
from simulator.server.feeds import Publish
from simulator.server.notices import notice
from simulator.server.segments import Segments, replies_of
from simulator.server.store import MemoryFull, Store
from simulator.server.tls import HandshakeFailed, UpgradableStream, start_tls
from simulator.server.wire import Wire

_STORAGE_FULL: Final = frozenset({errno.ENOSPC, errno.EDQUOT})

Farewell = Callable[[Exchange], Awaitable[Exchange]]
"""The 221 to QUIT -> the 221 to send (``serve --lesson``'s names the steps done)."""
ASK_SECONDS: Final = 1.0
"""How long a Farewell may take; past it the plain 221 goes out."""

log = logging.getLogger(__name__)


def local_clock() -> datetime.datetime:
    """Now, with the local UTC offset: the time stamp of the Received: header (RFC 5322 §3.3)."""
    return _local_time(int(time.time()))


@functools.lru_cache(maxsize=1)
def _local_time(second: int) -> datetime.datetime:
    # Whole seconds in the header, and finding the local zone is the cost: once a second.
    return datetime.datetime.fromtimestamp(second).astimezone()


def drive(stream: UpgradableStream, session: Session, store: Store, publish: Publish,
          *, timeouts: Timeouts = NO_LIMITS, stopping: Stopping | None = None,
          drain: bool = False, implicit_tls: bool = False,
          watch_ahead: float = 0.0, farewell: Farewell | None = None,
          ended: Callable[[Session], None] | None = None) -> Coroutine[object, object, None]:
    """Hold the conversation of ``session`` on ``stream``, then close the stream (await it).

    ``timeouts`` bound the client's time (421 4.4.2 when one runs out). ``stopping`` is the
    server's shutdown state (see :class:`Stopping`; by default one that never stops).
    ``drain`` is for TCP: before closing after a 421, read what the client still sends, so
    the close is a FIN and not a reset that could destroy the 421 (see :func:`linger`).
    ``implicit_tls``: the TLS handshake comes first, before the greeting (RFC 8314 §3.3).
    ``watch_ahead``: seconds to wait before each reply for input that should not be there
    yet (see :meth:`_Talk.ahead`). ``farewell`` may change the 221 to QUIT (see
    :meth:`_Talk.answer`). ``ended`` is called once the stream is closed. (Not a coroutine:
    a task runs :meth:`_Talk.run` itself, one frame less held by each idle client.)
    """
    talk = _Talk(stream, session, store, publish, timeouts, stopping or Stopping(), drain)
    talk.watch, talk.farewell = watch_ahead, farewell
    return talk.run(implicit_tls, ended)


def _handshake_failed(session: Session, err: HandshakeFailed, publish: Publish) -> None:
    """A failed handshake: shown in the student's transcript (no reply was sent; the pseudo
    reply says why, the client's refusal of the certificate apart), and logged."""
    publish(Exchange(b"", None, make_reply(err.key), session.state, State.CLOSED, Then.CLOSE))
    log.warning("session %s (%s): TLS handshake failed: %s", session.session_id, session.peer,
                err, extra=notice("serve.warn-tls", id=session.session_id, peer=session.peer,
                                  error=err))


class _Talk:
    """One conversation's loop and what it needs (one object, not eight arguments each)."""

    __slots__ = ("carried", "deadline", "drain", "farewell", "publish", "session", "stopping",
                 "store", "stream", "watch", "wire")

    def __init__(self, stream: UpgradableStream, session: Session, store: Store,
                 publish: Publish, timeouts: Timeouts, stopping: Stopping,
                 drain: bool) -> None:
        self.stream, self.session, self.store, self.publish = stream, session, store, publish
        self.wire = stream.wire
        """Where replies are written and input read: ``stream.wire``, which changes with
        STARTTLS (see :meth:`start_tls`)."""
        self.deadline, self.watch = Deadline(timeouts), 0.0
        self.stopping, self.drain = stopping, drain
        self.farewell: Farewell | None = None
        self.carried: bytes | None = None
        """Input read while watching (b"": the client hung up), to be fed next."""

    async def run(self, implicit_tls: bool, ended: Callable[[Session], None] | None) -> None:
        """Greeting, then receive -> engine -> reply until the engine closes, then the close.

        Only the client's input is timed: a chunk that completes a message leaves the timed
        loop (:meth:`until_message`), so its store and its 250 are outside the deadline
        (see :meth:`deliver`); a fresh deadline starts after each message.
        """
        session, publish = self.session, self.publish
        try:
            try:
                if implicit_tls:
                    await self.start_tls()
                if not await self.greet():
                    return
                while True:
                    with trio.CancelScope(deadline=self.deadline.first(session)) as waiting:
                        pending = await self.until_message(waiting)
                    if waiting.cancelled_caught:
                        await self.timed_out()
                        return
                    if pending is None or not await self.deliver(pending):
                        return
            except trio.Cancelled:
                await self.shut_down()
                raise
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass  # the client went away; there is nobody left to answer
        except HandshakeFailed as err:  # this connection only: nothing more can be said on it
            _handshake_failed(session, err, publish)
        except Exception:
            log.exception("session %s (%s) failed", session.session_id, session.peer, extra=notice(
                "serve.warn-failed", id=session.session_id, peer=session.peer))
        finally:
            try:
                await self.stream.aclose()  # closes at once, even when cancelled
            finally:
                if ended is not None:
                    ended(session)

    async def timed_out(self) -> None:
        """RFC 5321 §4.5.3.2: a server may close a session that takes too long (421 4.4.2)."""
        if self.session.state is not State.CLOSED:
            await say_last(self.stream, self.deadline.expired(self.session), self.publish,
                           self.drain)

    async def shut_down(self) -> None:
        """Cancelled (Ctrl-C, SIGTERM): 421 4.3.2, within FAREWELL_SECONDS, unless the session
        already said goodbye (221 or 421)."""
        if self.session.state is State.CLOSED:
            return
        with trio.CancelScope(shield=True, deadline=trio.current_time() + FAREWELL_SECONDS):
            await say_last(self.stream, self.session.shutdown(), self.publish, self.drain)

    async def greet(self) -> bool:
        """Send the greeting; False when a scenario refused the connection (421, 554). (Its
        own method: the greeting is not kept alive while the client is silent.)"""
        greeting = self.session.greeting()
        if self.watch and await self.ahead():
            greeting = dataclasses.replace(greeting, sent_ahead=True)
        self.publish(greeting)
        await self.send([(greeting.delay, b"" if greeting.hang_up else greeting.reply.to_bytes())],
                        receive_next=greeting.then is Then.CONTINUE)
        if greeting.then is Then.CLOSE:
            await self.follow(greeting)
            return False
        return True

    async def until_message(self, waiting: trio.CancelScope) -> list[Exchange] | None:
        """Answer commands until a chunk completes a message; that chunk's Exchanges,
        unanswered. None when the conversation is over (the client hung up, or a reply
        closed it). This is the hot path: one receive, one engine call, one send per chunk.
        """
        session, deadline = self.session, self.deadline
        while True:
            data, self.carried = (self.carried if self.carried is not None
                                  else await self.wire.receive_some(RECEIVE_SIZE)), None
            if not data:
                return None  # the client hung up: whatever it was sending is dropped
            exchanges = session.receive_data(data if isinstance(data, bytes) else bytes(data))
            if exchanges and (self.watch or len(exchanges) > 1  # pipelined (RFC 2920)
                              or not data.endswith(exchanges[-1].line)):
                exchanges = await self.mark_ahead(exchanges, bytes(data))
            deadline.renew(waiting, session, exchanges)
            for exchange in exchanges:
                if exchange.message is not None:
                    return exchanges
            segments, last = (replies_of(exchanges, self.publish) if self.farewell is None
                              else await self.answer(exchanges))
            if len(segments) == 1 and last is None and self.carried is None and (
                    segments[0][0] == 0 and segments[0][1]):  # the usual: one reply, no delay
                await self.wire.send_then_receive(segments[0][1])  # see send()
                continue
            waited = sum(delay for delay, _ in segments)
            if waited:  # the server's own waiting (a rule's, the error slowdown's) is not
                waiting.deadline += waited  # the client's silence
            await self.send(segments, receive_next=last is None)
            if last is not None and not await self.follow(last):
                return None

    async def ahead(self) -> bool:
        """Wait up to ``watch`` seconds for input before a reply is written; True when
        some came (or the client hung up): the client did not wait for the reply. What came
        is kept in ``carried``, to be read next."""
        with trio.move_on_after(self.watch):
            self.carried = bytes(await self.wire.receive_some(RECEIVE_SIZE))
        return self.carried is not None

    async def mark_ahead(self, exchanges: list[Exchange], data: bytes) -> list[Exchange]:
        """``exchanges`` with ``sent_ahead`` on each whose reply the client did not wait
        for: a line (or message text after DATA) came behind it in the same read, or more
        input came while watching (``watch``: grade)."""
        last = exchanges[-1]
        more = not data.endswith(last.line) or (self.watch > 0 and await self.ahead())
        return [dataclasses.replace(exchange, sent_ahead=True)
                if exchange is not last or more else exchange for exchange in exchanges]

    async def answer(self, exchanges: list[Exchange]) -> tuple[Segments, Exchange | None]:
        """:func:`replies_of`, a 221 to QUIT at the end changed by ``farewell`` once all before
        it is published; shielded (the engine has closed: a cancelled QUIT gets no reply)."""
        if self.farewell is None or not exchanges or exchanges[-1].reply.key != QUIT or any(
                exchange.then is not Then.CONTINUE for exchange in exchanges[:-1]):
            return replies_of(exchanges, self.publish)
        *head, quit_ = exchanges
        segments, _ = replies_of(head, self.publish)
        with trio.CancelScope(shield=True, deadline=trio.current_time() + ASK_SECONDS):
            quit_ = await self.farewell(quit_)
        tail, last = replies_of([quit_], self.publish)
        return segments + tail, last

    async def send(self, segments: Segments, *, receive_next: bool = False) -> None:
        """Send replies; each segment after its delay (a scenario rule asked the server to
        wait), none for a silent disconnect. ``receive_next``: the loop receives next, so
        the last write may leave its yield to that receive (see :func:`_write`)."""
        for delay, wire in segments:
            if delay:
                await trio.sleep(delay)
            if wire:
                await _write(self.wire, wire, receive_next and self.carried is None)

    async def deliver(self, exchanges: list[Exchange]) -> bool:
        """Store each message of ``exchanges``, then send all their replies; False when over.

        Once a message is stored its 250 must go out: with that reply the server takes
        responsibility for the message (RFC 5321 §6.1), and a client that reads 421 instead
        sends it again, so it would be delivered twice (RFC 1047). So storing and sending
        are shielded from shutdown and from the client's deadline; the store cannot be
        interrupted anyway (a worker thread), and the send gets the idle timeout (a
        pipelining client may read slowly), or REPLY_SECONDS while the server is stopping;
        a client that has not read by then is disconnected without another word.
        """
        waited = sum(exchange.delay for exchange in exchanges)
        if waited:  # a scenario's delay, before the store: a shutdown meanwhile loses nothing
            await trio.sleep(waited)
        if self.store.blocking:
            with trio.CancelScope(shield=True):
                answered = await self.keep_all(exchanges)
        else:  # no checkpoint while storing: nothing a shutdown could interrupt
            answered = await self.keep_all(exchanges)
        segments, last = (replies_of(answered, self.publish) if self.farewell is None
                          else await self.answer(answered))
        guard = self.stopping.replying(self.deadline.idle)
        try:
            with guard:
                await _write(self.wire, b"".join(wire for _, wire in segments),
                             last is None and self.carried is None)
        finally:
            self.stopping.replied(guard)
        if guard.cancelled_caught:
            log.warning("session %s (%s): reply to a stored message not taken in time; "
                        "disconnected", self.session.session_id, self.session.peer,
                        extra=notice("serve.warn-reply-stuck", id=self.session.session_id,
                                     peer=self.session.peer))
            return False
        return last is None or await self.follow(last)

    async def follow(self, exchange: Exchange) -> bool:
        """Act on the instruction of ``exchange`` after its reply went out; False when the
        conversation is over.

        START_TLS: the handshake, then the session starts over (RFC 3207 §4.2); the stream
        object stays the same (server/tls.py's UpgradableStream), so timeouts and draining
        work unchanged on TLS. CLOSE: after the 221 to QUIT the socket closes at once: the
        client asked to end and sends nothing more (RFC 5321 §4.1.1.10). After a 421 the
        client may still be sending, so its input is drained first (:func:`linger`). (A
        scenario's delay is waited for in :meth:`send`.)
        """
        if exchange.then is Then.START_TLS:
            await self.start_tls()
            return True
        if exchange.then is Then.CLOSE:
            if self.drain and exchange.reply.key not in QUIT_KEYS:
                await linger(self.stream, LINGER_SECONDS)
            return False
        return True

    async def start_tls(self) -> None:
        """The TLS handshake on the stream, then a fresh session; talk goes on over TLS."""
        await start_tls(self.stream, self.session)
        self.wire = self.stream.wire

    async def keep_all(self, exchanges: list[Exchange]) -> list[Exchange]:
        """:meth:`keep` each message of ``exchanges``; the Exchanges up to the first that
        ends the batch, a failed store's reply in place of its 250."""
        answered: list[Exchange] = []
        for exchange in exchanges:
            if exchange.message is not None:
                exchange = await self.keep(exchange)
            answered.append(exchange)
            if exchange.then is not Then.CONTINUE:
                break
        return answered

    async def keep(self, exchange: Exchange) -> Exchange:
        """Store the message of ``exchange``: its 250, saying where (``stored``); on failure
        the engine's 452 or 451 (452 4.3.1 when full, RFC 3463), and one line is logged."""
        message = exchange.message
        assert message is not None
        kept = await self._kept(message, f"message {message.queue_id}")
        if isinstance(kept, OSError):
            return self.session.storage_failed(exchange, full=kept.errno in _STORAGE_FULL)
        await self._report_later(message)
        return dataclasses.replace(exchange, stored=kept)

    async def _kept(self, message: ReceivedMessage, what: str) -> str | OSError:
        """Store ``message``, counted as being written (shutdown waits for it); where it is,
        or the error, logged once, when the store failed."""
        self.stopping.storing += 1
        try:
            if self.store.blocking:
                key = await trio.to_thread.run_sync(self.store.deliver, message)
            else:
                key = self.store.deliver(message)
        except OSError as exc:
            said = notice("serve.warn-store", id=self.session.session_id,
                          peer=self.session.peer, queue=message.queue_id,
                          error=exc.strerror or exc)
            if isinstance(exc, MemoryFull):  # what to do is to raise serve's --memory-limit
                said = notice("options.memory-store-full", id=self.session.session_id,
                              peer=self.session.peer, queue=message.queue_id, kept=exc.kept,
                              limit=exc.limit)
            log.error("session %s (%s): could not store %s: %s", self.session.session_id,
                      self.session.peer, what, exc, extra=said)
            return exc
        finally:
            self.stopping.storing -= 1
        return self.store.where(key)

    async def _report_later(self, message: ReceivedMessage) -> None:
        """The bounce for recipients the scenario fails after the 250 (protocol/dsn.py),
        kept in the same store; the message itself is already kept, so a report that cannot
        be stored is logged and the 250 stands."""
        policy = self.session.policy
        report = later_report(message, policy.scenario.later, hostname=policy.hostname,
                              moment=local_clock())
        if report is not None:
            await self._kept(report, f"the report on message {message.queue_id}")


async def _write(stream: Wire, wire: bytes, receive_next: bool) -> None:
    """Send ``wire``. When the loop's next call is a receive, the server's own connections
    skip the yield after the send: the receive waits for the client anyway (one pass of
    trio's run loop per reply instead of two; see SocketConnection.send_then_receive)."""
    if receive_next:
        await stream.send_then_receive(wire)
    else:
        await stream.send_all(wire)
