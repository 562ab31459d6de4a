"""Where a session's Exchanges go: a function offered each one, never waiting for a watcher.

A watcher that falls behind a bounded channel misses Exchanges instead of stalling the
session; a watcher that went away is ignored. A :class:`Feed` counts what it missed, so the
watcher can say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import trio

from simulator.protocol import Exchange

Publish = Callable[[Exchange], None]
T = TypeVar("T")
Item = TypeVar("Item", contravariant=True)


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


class Feed(Generic[Item]):
    """A bounded channel to a watcher that never makes the server wait: an item that finds
    no room is dropped and counted in ``missed`` (read by the watcher, which says it missed
    some). A watcher that went away is ignored, and nothing is counted any more."""

    __slots__ = ("channel", "missed")

    def __init__(self, channel: trio.MemorySendChannel[Item]) -> None:
        self.channel = channel
        self.missed = 0
        """Items that found the channel full."""

    def offer(self, item: Item) -> None:
        """Put ``item`` on the channel if there is room now; count it if there is not."""
        try:
            self.channel.send_nowait(item)
        except trio.WouldBlock:
            self.missed += 1
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass
