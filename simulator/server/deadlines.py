"""How long a client may take, and the server's shutdown as the sessions see it.

:class:`Timeouts` are the limits; :class:`Deadline` moves one conversation's deadline as its
input arrives (a command line is timed from its first octet, so a line trickled in one byte
at a time cannot hold its connection slot; message text must keep arriving); :class:`Stopping`
is shared by the sessions of one server, so that at shutdown the replies already owed for
stored messages get a short, fixed time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import trio

from simulator.protocol import Exchange, Session, State

REPLY_SECONDS: Final = 1.5
"""While the server shuts down, how long the replies that report a stored message may take
to go out: a client that has not taken its 250 by then (its socket buffers are full: it has
stopped reading) is disconnected. Short, so Ctrl-C still ends the server within 2 s. Outside
shutdown they get as long as the idle timeout."""
IDLE_SECONDS: Final = 300.0
"""RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command."""
DATA_BLOCK_SECONDS: Final = 180.0
"""RFC 5321 §4.5.3.2.5: in DATA, at most this long between two arrivals of message text."""
DATA_SECONDS: Final = 600.0
"""RFC 5321 §4.5.3.2.6: the whole message text, from the 354 to the final dot, within this."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long a client may take (seconds; None: no limit, the console's own session)."""

    idle: float | None = None
    """Silence between commands, and a whole command line from its first octet
    (RFC 5321 §4.5.3.2.7 asks for at least 5 minutes). None: no time limits at all."""
    data_block: float = DATA_BLOCK_SECONDS
    """In DATA, silence between two arrivals of message text (never more than ``idle``)."""
    data: float = DATA_SECONDS
    """The whole message text, from the 354 to the final dot."""


NO_LIMITS: Final = Timeouts()
"""No time limit at all: the console's own session."""


class Stopping:
    """Shared by the sessions of one server: is it shutting down, and what is it still storing.

    The replies that report stored messages are shielded from cancellation (they must go
    out); :meth:`stop` shortens their time to REPLY_SECONDS, including the ones already
    waiting for a slow reader.
    """

    def __init__(self) -> None:
        self.stopping = False
        self.storing = 0
        """Messages being written to the store right now (shutdown waits for each)."""
        self._replying: set[trio.CancelScope] = set()

    def stop(self) -> None:
        """The server is shutting down: every 250 still waiting gets REPLY_SECONDS."""
        self.stopping = True
        limit = trio.current_time() + REPLY_SECONDS
        for scope in self._replying:
            scope.deadline = min(scope.deadline, limit)

    async def stop_when_cancelled(self) -> None:
        """A task for the server's nursery: calls :meth:`stop` when shutdown cancels it."""
        try:
            await trio.sleep_forever()
        finally:
            self.stop()

    def replying(self, seconds: float) -> trio.CancelScope:
        """A shielded scope for sending stored messages' replies: ``seconds``, or
        REPLY_SECONDS once the server is stopping. Call :meth:`replied` after it."""
        limit = REPLY_SECONDS if self.stopping else seconds
        scope = trio.CancelScope(shield=True, deadline=trio.current_time() + limit)
        self._replying.add(scope)
        return scope

    def replied(self, scope: trio.CancelScope) -> None:
        self._replying.discard(scope)


class Deadline:
    """When the client's time runs out, moved as its input arrives.

    In command mode the deadline is ``idle`` after the last complete line, and a line that
    has begun keeps the deadline its first octet found: only completing it renews the time.
    In DATA each arrival renews ``data_block``, never past ``data`` after the text began.
    A deadline is moved later only when it moved by more than a 64th of its timeout (a
    deadline change is a heap update in trio's scheduler); earlier, always.
    """

    __slots__ = ("block", "data", "idle", "line_pending", "slack", "text_ends")

    def __init__(self, timeouts: Timeouts) -> None:
        limited = timeouts.idle is not None
        self.idle = timeouts.idle if timeouts.idle is not None else math.inf
        # Silence in DATA is never allowed longer than between commands.
        self.block = min(timeouts.data_block, self.idle) if limited else math.inf
        self.data = timeouts.data if limited else math.inf
        self.slack = self.block / 64
        self.text_ends = math.inf
        self.line_pending = False  # part of a command line was left after the last input

    def first(self, session: Session) -> float:
        """The deadline to start waiting with."""
        return self._target(session, trio.current_time())

    def renew(self, scope: trio.CancelScope, session: Session,
              exchanges: list[Exchange]) -> None:
        """Move ``scope``'s deadline after input arrived and the engine took it."""
        line_was_pending, self.line_pending = self.line_pending, session.line_pending
        if session.state is State.DATA:
            target = self._in_text(trio.current_time())
        elif line_was_pending and not exchanges:
            return  # the same command line is still arriving: its clock runs on
        else:
            self.text_ends = math.inf
            target = trio.current_time() + self.idle
        if target < scope.deadline or target - scope.deadline > self.slack:
            scope.deadline = target

    def _target(self, session: Session, now: float) -> float:
        if session.state is State.DATA:
            return self._in_text(now)
        self.text_ends = math.inf
        return now + self.idle

    def _in_text(self, now: float) -> float:
        if self.text_ends == math.inf:
            self.text_ends = now + self.data
        return min(now + self.block, self.text_ends)

    def expired(self, session: Session) -> Exchange:
        """The closing 421 4.4.2: too slow for a line or text underway, else idle."""
        slow = session.line_pending or trio.current_time() >= self.text_ends
        return session.timeout(too_slow=slow)
