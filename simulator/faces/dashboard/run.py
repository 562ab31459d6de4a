"""Running the dashboard beside trio: the application in a worker thread, a redraw task."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Final

import trio
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output

from simulator.lessons.classmodel.shared import SharedClass

from .app import DashboardApp

FEED_REDRAW: Final = 0.25
"""Seconds between redraws for new activity (keys redraw at once, up to MIN_REDRAW): four
frames a second keep up with a class, and leave the CPU to the server."""
IDLE_REDRAW: Final = 1.0
"""Seconds between redraws when nothing happened (the idle column still counts up)."""
SWITCH_INTERVAL: Final = 0.0005
"""Seconds a thread may hold the GIL while another waits for it (Python's default: 0.005).
Drawing a frame is a few milliseconds of pure Python in the screen's thread; with the
default, each time the server's thread wakes for a client it could wait that long, several
times per round trip (measured in bench/bench_dashboard.py)."""


async def show_dashboard(shared: SharedClass, url: str, lang: str, *,
                         input: Input | None = None, output: Output | None = None,
                         started: Callable[[DashboardApp], None] | None = None) -> None:
    """Draw the class until the instructor quits; cancelling this closes the screen too.

    ``started`` is told the application once it runs (tests drive it through pipe input).
    """
    dashboard = DashboardApp(shared, url, lang, input=input, output=output)
    app = dashboard.app

    def leave() -> None:
        loop = app.loop
        if app.is_running and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: app.exit() if app.is_running else None)

    async def redraw() -> None:
        seen, last = -1, 0.0
        if started is not None:
            while not app.is_running:
                await trio.sleep(0.01)
            started(dashboard)
        try:
            while True:
                await trio.sleep(FEED_REDRAW)
                now = time.monotonic()
                if shared.version != seen or now - last >= IDLE_REDRAW:
                    seen, last = shared.version, now
                    app.invalidate()
        finally:
            leave()

    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(redraw)
            await trio.to_thread.run_sync(lambda: app.run(handle_sigint=False))
            nursery.cancel_scope.cancel()
    finally:
        sys.setswitchinterval(previous)


__all__ = ["DashboardApp", "show_dashboard"]
