"""``serve``'s class feed: each batch of what the server published goes into the
class model, the JSON Lines log (``--log``) and the line log's text; with ``--lesson``, into
each student's tutor too (:mod:`simulator.lessons.classmodel.students`), which also answers the
questions the server asks at a QUIT (:class:`FarewellAsk`: how many steps are done).

Runs in a worker thread (file writes, the model's lock), never on trio's: a slow disk or a
screen busy drawing never holds up a client. Used by ``faces/serve.py`` only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from simulator.lessons.classmodel.model import SessionRecord
from simulator.lessons.classmodel.shared import SharedClass
from simulator.protocol import Exchange
from simulator.protocol.events import SessionEnd
from simulator.render.logline import format_exchange
from simulator.server import PeerExchange

if TYPE_CHECKING:
    from simulator.lessons.classmodel.messages import MessageRecord
    from simulator.lessons.classmodel.students import Event, Students


@dataclass(slots=True)
class FarewellAsk:
    """The server's question at a session's QUIT, put on the feed behind the session's
    Exchanges: how many steps its student has done (``answer``: None when it has no name).
    The QUIT itself goes to the tutor here; its reply comes later, as usual."""

    session_id: str
    exchange: Exchange
    wake: Callable[[], None]
    """Called on trio's thread once the batch holding this question is recorded."""
    answer: int | None = None


Item = PeerExchange | SessionEnd | FarewellAsk


class ClassFeed:
    """Feeds one serve run's class model and logs, one batch at a time (:meth:`take`)."""

    def __init__(self, shared: SharedClass, *, lang: str = "en", timestamps: bool = True,
                 jsonl: TextIO | None = None,
                 clock: Callable[[], datetime.datetime] = datetime.datetime.now,
                 monotonic: Callable[[], float] | None = None,
                 students: Students | None = None) -> None:
        import time

        self.shared, self.lang, self.timestamps = shared, lang, timestamps
        self.jsonl, self.clock = jsonl, clock
        self.monotonic = monotonic or time.monotonic
        self.jsonl_failed: OSError | None = None
        """Why ``--log`` stopped (a full disk: ENOSPC); nothing more is written to it."""
        self._failure_told = False
        self.students = students
        """Each student's progress (``serve --lesson``); None: no lesson."""

    def take(self, items: Sequence[Item], dropped: int = 0) -> str:
        """Record ``items`` (``dropped``: how many the feed had no room for so far); the
        line log's text for them."""
        # Imported on first use (in the log's thread): serve starts without the lessons.
        from simulator.render.lessonlog import end_line, end_record, timestamp

        when, now = self.clock().astimezone(), self.monotonic()
        clock = timestamp(when)  # one time stamp per batch, not per line
        stamp = f"{clock} " if self.timestamps else ""
        lines: list[str] = []
        # --log's records only when they are written (serve without --log builds none)
        records: list[dict[str, object]] | None = (
            [] if self.jsonl is not None and self.jsonl_failed is None else None)
        with self.shared.lock:
            model = self.shared.model
            model.dropped = dropped
            model.clock = clock  # the messages pane's time
            for item in items:
                if isinstance(item, FarewellAsk):
                    self._farewell(item, now, when, stamp, lines, records)
                elif isinstance(item, SessionEnd):
                    record = model.ended(item, now)
                    lines.append(stamp + end_line(record, self.lang))
                    if records is not None:
                        records.append(end_record(when, record))
                    self._ended(record, when, records)
                else:
                    self._exchange(item, now, when, stamp, lines, records)
            self.shared.version += 1
        if records is not None:
            self._write_jsonl(records)
        lines.append("")  # the text ends with a newline, as every line does
        return "\n".join(lines) if len(lines) > 1 else ""

    def _exchange(self, item: PeerExchange, now: float, when: datetime.datetime, stamp: str,
                  lines: list[str], records: list[dict[str, object]] | None) -> None:
        from simulator.render.lessonlog import exchange_record, stored_line

        model = self.shared.model
        shown = model.observe(item.session_id, item.peer, item.exchange, now)
        lines.append(stamp + format_exchange(item.session_id, item.peer, shown))
        if records is not None:
            records.append(exchange_record(when, item.session_id, item.peer, shown))
        message, where = item.exchange.message, item.exchange.stored
        if message is not None and where is not None:
            lines.append(stamp + stored_line(item.session_id, item.peer, message.queue_id,
                                             where, self.lang))
        if model.messages.finished is not None and records is not None:
            self._message(model.messages.finished, item.peer, when, records)
        if self.students is not None:
            record = model.sessions[item.session_id]
            events = self.students.observe(record, item.exchange, item.user, now)
            self._events(record, events, when, stamp, lines, records)

    def _farewell(self, ask: FarewellAsk, now: float, when: datetime.datetime, stamp: str,
                  lines: list[str], records: list[dict[str, object]] | None) -> None:
        record = self.shared.model.sessions.get(ask.session_id)
        if self.students is None or record is None:
            return
        found = self.students.farewell(record, ask.exchange, now)
        if found is not None:
            ask.answer, events = found
            self._events(record, events, when, stamp, lines, records)

    def _ended(self, record: SessionRecord, when: datetime.datetime,
               records: list[dict[str, object]] | None) -> None:
        if self.shared.model.messages.finished is not None and records is not None:
            self._message(self.shared.model.messages.finished, record.peer, when, records)
        if self.students is not None:
            self.students.ended(record.session_id)

    def _message(self, message: MessageRecord, peer: str, when: datetime.datetime,
                 records: list[dict[str, object]]) -> None:
        from simulator.render.lessonlog import message_record

        records.append(message_record(when, peer, message))

    def _events(self, record: SessionRecord, events: list[Event], when: datetime.datetime,
                stamp: str, lines: list[str], records: list[dict[str, object]] | None) -> None:
        """The lines and records of what the tutor said about ``record``'s student."""
        from simulator.lessons.classmodel.students import Named
        from simulator.render.lessonlog import step_line, step_record, student_line, student_record

        assert self.students is not None
        lesson = self.students.lesson.id
        for event in events:
            if isinstance(event, Named):
                lines.append(stamp + student_line(record, event.done, self.lang))
                if records is not None:
                    records.append(student_record(when, record, lesson))
            else:
                lines.append(stamp + step_line(record, event.step, event.done, self.lang))
                if records is not None:
                    records.append(step_record(when, record, lesson, event.step, event.done))

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
