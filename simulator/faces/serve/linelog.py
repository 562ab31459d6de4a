"""``serve``'s line log: each batch of what the server published printed (and, with a lesson,
taken into the class model and ``--log`` in a worker thread), the lines it had no room for
counted and said. A terminal that stops reading never stops the server."""

from __future__ import annotations

from typing import Any, Final, TextIO

import trio

from simulator.faces.serve.classlog import ClassFeed, FarewellAsk, Item
from simulator.faces.serve.notices import say
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.render.logline import format_exchange
from simulator.server import Feed, PeerExchange

LOG_INTERVAL: Final = 0.05
"""Seconds between writes of the log: lines are written in batches, not one wake-up each."""
DROPPED: Final = "serve.dropped"
"""The UI text printed after a batch when the buffer was full and exchanges went unlogged
meanwhile (``serve.dropped-1`` for one line)."""


async def print_log(receive: trio.MemoryReceiveChannel[Item] | trio.MemoryReceiveChannel[
                        PeerExchange], out: TextIO | LogOutput | None,
                    feed: Feed[Any] | None = None, lang: str = LANGS[0],
                    class_feed: ClassFeed | None = None) -> None:
    """Print each Exchange as one line, in batches at most every LOG_INTERVAL seconds.

    Exchanges that found the buffer full (counted in ``feed.missed``, the server's end of
    ``receive``) are reported after the batch they came after, as one DROPPED line. (Every
    drop is reported: one happens only while the buffer is full, and a full buffer is the
    next batch, after which the count is read.)
    If the output goes away (a closed pipe), the log stops and the server goes on. With a
    ``class_feed``, each batch also goes into the class model and ``--log`` (in a worker thread),
    lines get time stamps and session ends; with no ``out`` (the dashboard) nothing is printed.
    """
    output = None if out is None else out if isinstance(out, LogOutput) else LogOutput(out)
    writable, reported = output is not None, 0
    async with receive:
        async for item in receive:
            batch = await _batch([item, *_waiting(receive)], feed, class_feed)
            # not held while waiting for the next batch: after a burst of connections it
            # held every greeting's Exchange, ~750 octets a client (tracemalloc)
            del item
            if not writable or output is None:
                await trio.sleep(LOG_INTERVAL)
                continue
            if feed is not None and feed.missed > reported:
                missed, reported = feed.missed - reported, feed.missed
                batch += text(DROPPED + ("-1" if missed == 1 else ""), lang, count=missed)
                batch += "\n"
            # In a worker thread: a terminal that stops reading (Ctrl-S, a paused pager)
            # must not stop the server. The batch is abandoned at shutdown if it is stuck.
            writable = await trio.to_thread.run_sync(output.write, batch, abandon_on_cancel=True)
            await trio.sleep(LOG_INTERVAL)


async def _batch(lines: list[Item], feed: Feed[Any] | None, class_feed: ClassFeed | None) -> str:
    """The log lines of what came together; with a ``class_feed``, fed to the class model
    and ``--log`` first (in a worker thread), and the QUITs waiting for their 221 woken."""
    if class_feed is None:
        return "".join(format_exchange(i.session_id, i.peer, i.exchange) + "\n"
                       for i in lines if isinstance(i, PeerExchange))
    count = 0 if feed is None else feed.missed
    batch = await trio.to_thread.run_sync(class_feed.take, lines, count)
    for asked in lines:  # the QUITs waiting for their 221 (serve/lesson.py)
        if isinstance(asked, FarewellAsk):
            asked.wake()
    if news := class_feed.log_news():  # --log stopped (a full disk): said once
        say(news)
    return batch


class LogOutput:
    """Where the log goes; ``busy`` stays true while a write is stuck (nobody reads)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.busy = False

    def write(self, text: str) -> bool:
        """Write one batch of log lines; False once the output is gone (a closed pipe)."""
        self.busy = True
        try:
            self.out.write(text)
            self.out.flush()
        except (OSError, ValueError):
            return False
        finally:
            self.busy = False
        return True


def _waiting(receive: trio.MemoryReceiveChannel[Item] | trio.MemoryReceiveChannel[
             PeerExchange]) -> list[Item]:
    items: list[Item] = []
    while True:
        try:
            items.append(receive.receive_nowait())
        except (trio.WouldBlock, trio.EndOfChannel):
            return items
