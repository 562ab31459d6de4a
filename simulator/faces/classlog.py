"""``serve`` for a whole lesson: each batch of what the server published goes into the
class model, the JSON Lines log (``--log``) and the line log's text.

Runs in a worker thread (file writes, the model's lock), never on trio's: a slow disk or a
screen busy drawing never holds up a client. Used by ``faces/serve.py`` only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TextIO

from simulator.render.classroom import SessionEnd, SharedClass
from simulator.render.logline import format_exchange
from simulator.server import PeerExchange
from simulator.server.receipts import ReceiptStore

Item = PeerExchange | SessionEnd


class Lesson:
    """What one serve run keeps of the lesson, fed one batch at a time by :meth:`take`."""

    def __init__(self, shared: SharedClass, *, lang: str = "en", timestamps: bool = True,
                 jsonl: TextIO | None = None, receipts: ReceiptStore | None = None,
                 clock: Callable[[], datetime.datetime] = datetime.datetime.now,
                 monotonic: Callable[[], float] | None = None) -> None:
        import time

        self.shared, self.lang, self.timestamps = shared, lang, timestamps
        self.jsonl, self.receipts, self.clock = jsonl, receipts, clock
        self.monotonic = monotonic or time.monotonic
        self.jsonl_failed: OSError | None = None
        """Why ``--log`` stopped (a full disk: ENOSPC); nothing more is written to it."""
        self._failure_told = False

    def take(self, items: Sequence[Item], dropped: int = 0) -> str:
        """Record ``items`` (``dropped``: how many the feed had no room for so far); the
        line log's text for them."""
        # Imported on first use (in the log's thread): serve starts without the lessons.
        from simulator.render.lessonlog import (
            end_line,
            end_record,
            exchange_record,
            stored_line,
            timestamp,
        )

        when, now = self.clock().astimezone(), self.monotonic()
        stamp = f"{timestamp(when)} " if self.timestamps else ""
        lines: list[str] = []
        records: list[dict[str, object]] = []
        with self.shared.lock:
            model = self.shared.model
            model.dropped = dropped
            model.clock = timestamp(when)  # the messages pane's time
            for item in items:
                if isinstance(item, SessionEnd):
                    record = model.ended(item, now)
                    lines.append(stamp + end_line(record, self.lang))
                    records.append(end_record(when, record))
                    continue
                shown = model.observe(item.session_id, item.peer, item.exchange, now)
                lines.append(stamp + format_exchange(item.session_id, item.peer, shown))
                records.append(exchange_record(when, item.session_id, item.peer, shown))
                message = item.exchange.message
                if message is not None and self.receipts is not None:
                    where = self.receipts.take(message.queue_id)
                    if where is not None and item.exchange.reply.code == 250:
                        model.messages.stored(message.queue_id, where)
                        lines.append(stamp + stored_line(item.session_id, item.peer,
                                                         message.queue_id, where, self.lang))
            self.shared.version += 1
        self._write_jsonl(records)
        return "".join(line + "\n" for line in lines)

    def _write_jsonl(self, records: list[dict[str, object]]) -> None:
        if self.jsonl is None or self.jsonl_failed is not None:
            return
        from simulator.render.lessonlog import json_line

        try:
            self.jsonl.write("".join(json_line(record) for record in records))
            self.jsonl.flush()
        except OSError as err:
            self.jsonl_failed = err

    def close_log(self) -> None:
        """Close ``--log``'s file (again: nothing); its last lines failing to reach the disk
        is the log stopping too, never a traceback at exit."""
        if self.jsonl is None:
            return
        try:
            self.jsonl.close()
        except OSError as err:
            self.jsonl_failed = self.jsonl_failed or err

    def log_stopped(self) -> str | None:
        """The sentence saying that ``--log`` stopped and why; None while it is writing."""
        if self.jsonl is None or self.jsonl_failed is None:
            return None
        from simulator.lessons.ui import text

        error = self.jsonl_failed
        return text("files.log-stopped", self.lang, path=getattr(self.jsonl, "name", "--log"),
                    error=error.strerror or error)

    def log_news(self) -> str | None:
        """:meth:`log_stopped` the first time it is not None, then None: said once."""
        stopped = None if self._failure_told else self.log_stopped()
        self._failure_told = self._failure_told or stopped is not None
        return stopped
