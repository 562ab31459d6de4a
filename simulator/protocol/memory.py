"""What a server remembers across sessions: greylisted triplets, recent messages and failed
AUTH attempts per client.

A plain object: the driver makes one per server and hands it to every Session, together with
a clock (seconds, any origin: trio's clock in the server, a fake one in tests), so the engine
itself never reads the time. Every table is bounded: a client cannot grow them without end.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Final

MAX_TRIPLETS: Final = 10_000
"""Greylist entries kept; past that the oldest first-seen entries are forgotten."""
MAX_CLIENTS: Final = 10_000
"""Client addresses whose recent messages (or failed AUTH attempts) are counted; the least
recent are forgotten."""
WINDOW: Final = 60.0
"""The rate limit counts messages, and the AUTH failure limit failures, in the last minute
(Postfix's anvil_rate_time_unit, 60 s)."""


class Memory:
    """Cross-session memory of one server (greylisting, rate limits, AUTH failures)."""

    def __init__(self) -> None:
        self._first_seen: OrderedDict[tuple[str, str, str], float] = OrderedDict()
        self._passed: OrderedDict[tuple[str, str, str], float] = OrderedDict()
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()
        self._auth_failures: OrderedDict[str, deque[float]] = OrderedDict()

    def greylist_wait(self, triplet: tuple[str, str, str], now: float, *, delay: float,
                      expiry: float) -> float:
        """Seconds the triplet must still wait; 0 when it may pass (then it always may).

        The first try is recorded and refused; a retry after ``delay`` seconds and within
        ``expiry`` seconds of the first try passes; a retry after ``expiry`` starts over.
        """
        key = (triplet[0], triplet[1].lower(), triplet[2].lower())
        if key in self._passed:
            self._passed.move_to_end(key)
            return 0.0
        first = self._first_seen.get(key)
        if first is None or now - first > expiry:
            self._remember(self._first_seen, key, now)
            return delay
        waited = now - first
        if waited < delay:
            return delay - waited
        del self._first_seen[key]
        self._remember(self._passed, key, now)
        return 0.0

    def count_message(self, client: str, now: float, *, limit: int) -> int:
        """Count one more message from ``client``; how many it sent in the last minute."""
        return _count(self._recent, client, now, limit)

    def count_auth_failure(self, client: str, now: float, *, limit: int) -> int:
        """Count one more failed AUTH from ``client``; how many failed in the last minute
        (counted up to ``limit + 1``: past the limit is all a caller needs to know)."""
        return _count(self._auth_failures, client, now, limit)

    @staticmethod
    def _remember(table: OrderedDict[tuple[str, str, str], float],
                  key: tuple[str, str, str], now: float) -> None:
        table[key] = now
        table.move_to_end(key)
        while len(table) > MAX_TRIPLETS:
            table.popitem(last=False)


def _count(table: OrderedDict[str, deque[float]], client: str, now: float, limit: int) -> int:
    """Add ``now`` to ``client``'s times in ``table``; how many fall in the last WINDOW.

    Each client keeps at most ``limit + 1`` times, and the table MAX_CLIENTS clients: the
    one counted last moves to the end, so the least recent is forgotten first."""
    times = table.pop(client, None) or deque(maxlen=limit + 1)
    table[client] = times
    while times and now - times[0] >= WINDOW:
        times.popleft()
    times.append(now)
    while len(table) > MAX_CLIENTS:
        table.popitem(last=False)
    return len(times)
