"""What a server remembers across sessions: greylisted triplets and recent messages per client.

A plain object: the driver makes one per server and hands it to every Session, together with
a clock (seconds, any origin: trio's clock in the server, a fake one in tests), so the engine
itself never reads the time. Both tables are bounded: a client cannot grow them without end.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Final

MAX_TRIPLETS: Final = 10_000
"""Greylist entries kept; past that the oldest first-seen entries are forgotten."""
MAX_CLIENTS: Final = 10_000
"""Client addresses whose recent messages are counted; the least recent are forgotten."""
WINDOW: Final = 60.0
"""The rate limit counts messages in the last minute."""


class Memory:
    """Cross-session memory of one server (greylisting, rate limits)."""

    def __init__(self) -> None:
        self._first_seen: OrderedDict[tuple[str, str, str], float] = OrderedDict()
        self._passed: OrderedDict[tuple[str, str, str], float] = OrderedDict()
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()

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
        times = self._recent.pop(client, None) or deque(maxlen=limit + 1)
        self._recent[client] = times
        while times and now - times[0] >= WINDOW:
            times.popleft()
        times.append(now)
        while len(self._recent) > MAX_CLIENTS:
            self._recent.popitem(last=False)
        return len(times)

    @staticmethod
    def _remember(table: OrderedDict[tuple[str, str, str], float],
                  key: tuple[str, str, str], now: float) -> None:
        table[key] = now
        table.move_to_end(key)
        while len(table) > MAX_TRIPLETS:
            table.popitem(last=False)
