"""What the web face serves from: the class model, the students' pages, the bounds, the
threads that draw pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

import trio

from simulator.lessons.classmodel.shared import SharedClass

from .pages import Pages

RENDER_THREADS: Final = 2
"""Worker threads drawing pages at once (the machine's other cores serve SMTP meanwhile;
more would only queue for the interpreter's lock)."""

T = TypeVar("T")


@dataclass
class Site:
    """What the app serves from, shared by its requests."""

    shared: SharedClass
    pages: Pages
    lang: str
    max_streams: int
    teacher_token: str | None
    """Required on the teacher's pages (a server beyond loopback); None: not needed."""
    smtp: tuple[str, int] = ("127.0.0.1", 2525)
    """The SMTP server as students are told to reach it (host as in a URL, port)."""
    smtp_connect: tuple[str, int] = ("127.0.0.1", 2525)
    """Where a browser console connects to it (loopback when it listens everywhere)."""
    closing: trio.Event = field(default_factory=trio.Event)
    streams: int = 0
    clock: Callable[[], float] = time.monotonic
    consoles: dict[str, str] = field(default_factory=dict)
    """The browser consoles' connections to the SMTP server: local ``host:port`` -> the
    address of the browser it is for (what the server counts it against)."""
    renderers: trio.CapacityLimiter = field(
        default_factory=lambda: trio.CapacityLimiter(RENDER_THREADS))

    async def render(self, draw: Callable[[], T]) -> T:
        """``draw()`` in a worker thread: it may wait for the model's lock (serve's log
        thread holds it while it takes a batch) and take a while for a big class, and the
        SMTP sessions on the trio loop must not wait for either."""
        return await trio.to_thread.run_sync(draw, limiter=self.renderers)
