"""A "-- more --" pager for console output taller than the screen (``:help``, ``:state``).

prompt_toolkit has none built in, and ``less`` would leave the console's own terminal
handling; this is the least that works: a screenful, then a one-line prompt (Enter or
Space: the next page; q, Esc, Ctrl-C or Ctrl-D: stop). The prompt runs in a worker thread,
as the console's own prompt does, so trio keeps running the server meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import trio
from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from simulator.lessons.ui import text
from simulator.render.wrap import Fragments

from .mouse import guard_mouse

MIN_ROWS: Final = 6
"""Below this many rows a page would hold almost nothing: show everything at once."""
SPARE: Final = 3
"""Rows kept free for the prompt and the toolbar under output that is shown whole."""


def split_lines(fragments: Fragments) -> list[Fragments]:
    """``fragments`` cut at each line break (each line keeps its own ``\\n``)."""
    lines: list[Fragments] = [[]]
    for style, part in fragments:
        pieces = part.split("\n")
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            if piece or not last:
                lines[-1].append((style, piece if last else piece + "\n"))
            if not last:
                lines.append([])
    return [line for line in lines if line]


def pages(fragments: Fragments, rows: int) -> list[Fragments]:
    """The pages of ``fragments`` on a screen ``rows`` high: one page when it fits with the
    prompt and toolbar under it, else screenfuls of ``rows - 1`` lines (the last row is
    the pager's own prompt)."""
    lines = split_lines(fragments)
    if rows < MIN_ROWS or len(lines) <= rows - SPARE:
        return [[part for line in lines for part in line]]
    size = rows - 1
    return [[part for line in lines[start:start + size] for part in line]
            for start in range(0, len(lines), size)]


def _bindings() -> KeyBindings:
    bindings = KeyBindings()
    for key in ("enter", " ", "c-m", "down", "pagedown"):
        bindings.add(key)(lambda event: event.app.exit(result=True))
    for key in ("q", "Q", "escape", "c-c", "c-d"):
        bindings.add(key, eager=True)(lambda event: event.app.exit(result=False))

    @bindings.add("<any>")
    def _ignore(event: KeyPressEvent) -> None:
        """Any other key does nothing (it is not typed into the pager's line)."""

    return guard_mouse(bindings)


class Pager:
    """Shows long output a page at a time on the console's terminal."""

    def __init__(self, show: Callable[[Fragments], None], lang: Callable[[], str],
                 make_session: Callable[[KeyBindings], PromptSession[bool]]) -> None:
        self._show, self._lang = show, lang
        self._session = make_session(_bindings())

    def rows(self) -> int:
        return self._session.app.output.get_size().rows

    async def __call__(self, fragments: Fragments) -> None:
        """Every page of ``fragments``, asking before each one after the first."""
        screens = pages(fragments, self.rows())
        for index, screen in enumerate(screens):
            if index and not await self._more():
                return
            self._show(screen)

    async def _more(self) -> bool:
        """The "-- more --" line; True for the next page."""
        message: StyleAndTextTuples = [("class:dim", text("console.more-above", self._lang()))]
        try:
            answer = await trio.to_thread.run_sync(
                lambda: self._session.prompt(message, set_exception_handler=False))
        except (EOFError, KeyboardInterrupt):
            return False
        return bool(answer)
