"""Where a session's Exchanges go: a function offered each one, never waiting for a watcher.

A watcher that falls behind a bounded channel misses Exchanges instead of stalling the
session; a watcher that went away is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import trio

from simulator.protocol import Exchange

Publish = Callable[[Exchange], None]
T = TypeVar("T")


def publisher(feed: trio.MemorySendChannel[Exchange] | None) -> Publish:
    """A function that offers each Exchange to ``feed`` without ever waiting."""
    if feed is None:
        return ignore

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


def ignore(exchange: Exchange) -> None:
    """A Publish that keeps nothing."""
    del exchange
