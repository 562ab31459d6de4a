"""The live streams of ``serve --web``: Server-Sent Events that send a page what changed.

A stream looks at the class model's version a few times a second; when it moved, what the
page shows is read from the model and drawn in a worker thread (:meth:`Site.render`), never
on the trio loop the SMTP sessions run on: the model's lock may be held by serve's log
thread, and drawing a class of 300 takes tens of milliseconds, which no student's reply
should wait for (``bench/bench_web.py`` measures it). The teacher's stream sends at most
once every CLASS_SECONDS; a student's page within POLL_SECONDS of a reply.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Final

import trio
from starlette.responses import StreamingResponse

from simulator.protocol import Exchange
from simulator.render import webpages
from simulator.render.html import exchange_fragments, fragments_data

from .site import Site

POLL_SECONDS: Final = 0.2
"""How often a live stream looks at the model's version (a student sees a reply explained
within a second)."""
CLASS_SECONDS: Final = 1.0
"""The teacher's stream sends the class at most this often (drawing 300 rows is not free)."""
REFRESH_SECONDS: Final = 5.0
"""How often the teacher's table is sent even when nothing changed (the idle column)."""

Event = tuple[str, object]


def sse(site: Site, events: AsyncIterator[Event]) -> StreamingResponse:
    """The response of a live stream, counted among the site's open streams."""
    async def body() -> AsyncIterator[str]:
        site.streams += 1
        try:
            async for name, data in events:
                yield f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        finally:
            site.streams -= 1

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@dataclass
class _Shown:
    """What a transcript page shows now, as its stream last sent it."""

    status: str | None = None
    messages: list[dict[str, str]] | None = None
    steps: list[dict[str, str]] | None = None


async def transcript_events(site: Site, sid: str, lang: str, window: tuple[int, int],
                            messages: str) -> AsyncIterator[Event]:
    """What changes on a transcript page: new exchanges (up to the page's end), the status
    line, the messages, the lesson's steps; ``reset`` when what the page shows is no
    longer kept."""
    follow, shown = _Follow(*window), _Shown(steps=[])  # no lesson: no steps sent
    version, seen = -1, object()  # (drawn once at the start: the page may be behind)
    while not site.closing.is_set():
        if site.shared.version != version:
            version, mark = site.shared.version, _mark(site, sid)
            if mark != seen:  # this session moved (not just the class)
                seen = mark
                for event in await site.render(partial(_transcript_now, site, sid, lang,
                                                       follow, messages, shown)):
                    yield event
        await trio.sleep(POLL_SECONDS)


def _mark(site: Site, sid: str) -> tuple[int, bool, tuple[str, ...]] | None:
    """What tells that a session moved: its activity count, whether it is over, its steps.
    Read without the model's lock (a dict lookup and three attributes, each whole under the
    interpreter's lock): a read in the middle of a batch only means the page is drawn once
    more when the batch is done, under the lock."""
    record = site.shared.model.sessions.get(sid)
    return None if record is None else (record.activity, record.closed, record.steps_done)


def _transcript_now(site: Site, sid: str, lang: str, follow: _Follow, messages: str,
                    shown: _Shown) -> list[Event]:
    """The events a transcript page needs now (in a worker thread)."""
    with site.shared.lock:
        record = site.shared.model.sessions.get(sid)
        if record is None:  # not yet in the model (a page opened early), or forgotten
            return []
        new, outcome = follow.new(list(record.transcript))
        status = webpages.status_text(record, lang)
        items = [i.data() for i in webpages.session_items(record, lang, messages)]
        steps = [i.data() for i in webpages.step_items(site.shared.model, record, lang)]
    events: list[Event] = [
        ("exchange", {"fragments": fragments_data(exchange_fragments(exchange, lang)),
                      "error": exchange.reply.code >= 400}) for exchange in new]
    if outcome:
        events.append((outcome, {}))
    if status != shown.status:
        shown.status = status
        events.append(("status", {"text": status}))
    if items != shown.messages:
        shown.messages = items
        events.append(("list", {"id": "messages", "items": items}))
    if steps != shown.steps:
        shown.steps = steps
        events.append(("list", {"id": "steps", "items": steps}))
    return events


class _Follow:
    """Which exchanges of a transcript a page has not shown yet: the page knows the first
    ``shown``; the one it saw last is found again by identity (the transcript is a bounded
    deque, so its indices move once it is full)."""

    def __init__(self, shown: int, end: int) -> None:
        self.shown, self.end = shown, end
        self.last: Exchange | None = None
        self.started = False
        self.told_more = False

    def new(self, kept: list[Exchange]) -> tuple[list[Exchange], str]:
        """The exchanges to send now, and ``more`` (the page is full: a newer page exists)
        or ``reset`` (the page no longer matches what is kept: it should reload)."""
        if not self.started:
            self.started = True
            if self.shown > len(kept):
                return [], "reset"
            self.last = kept[self.shown - 1] if self.shown else None
        start = 0
        if self.last is not None:
            found = next((i for i in range(len(kept) - 1, -1, -1) if kept[i] is self.last), None)
            if found is None or found != self.shown - 1:
                return [], "reset"
            start = found + 1
        fresh = kept[start:]
        room = max(self.end - self.shown, 0)
        taken = fresh[:room]
        if taken:
            self.last, self.shown = taken[-1], self.shown + len(taken)
        if len(fresh) > room and not self.told_more:
            self.told_more = True
            return taken, "more"
        return taken, ""


async def class_events(site: Site, lang: str) -> AsyncIterator[Event]:
    """The class as it changes: the table's rows, the mistakes, the messages."""
    version, sent_at = -1, -REFRESH_SECONDS
    while not site.closing.is_set():
        now = trio.current_time()
        if site.shared.version != version or now - sent_at >= REFRESH_SECONDS:
            version, sent_at = site.shared.version, now
            for event in await site.render(partial(_class_now, site, lang)):
                yield event
            await trio.sleep(CLASS_SECONDS - POLL_SECONDS)
        await trio.sleep(POLL_SECONDS)


def _class_now(site: Site, lang: str) -> list[Event]:
    """The teacher's page's events now (in a worker thread)."""
    with site.shared.lock:
        model = site.shared.model
        rows = webpages.session_rows(model, lang, site.clock())
        mistakes = [i.data() for i in webpages.mistake_items(model, lang)]
        messages = [i.data() for i in webpages.message_items(
            webpages.class_messages(model), lang, "/teacher/m/")]
    return [("rows", {"id": "sessions", "rows": rows}),
            ("list", {"id": "mistakes", "items": mistakes}),
            ("list", {"id": "messages", "items": messages})]
