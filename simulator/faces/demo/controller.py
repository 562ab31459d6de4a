"""The presenter's side of a demo: keys in, frames out, on trio.

A :class:`DemoController` owns the :class:`DemoPlayer` and the choices made with keys
(language, explanations, typing speed, autoplay). It types each line out at the chosen
speed, sends it, and calls ``on_change`` whenever the frame changed; the screen (a
prompt_toolkit application, or a test) draws :meth:`view`. Nothing here draws.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Final

import trio

from simulator.client.demoplayer import DemoPlayer, StepResult
from simulator.client.demos import LoadedDemo
from simulator.client.demoscript import Line
from simulator.lessons.load import LANGS
from simulator.render.demo import DemoView

MIN_SPEED: Final = 2.0
MAX_SPEED: Final = 200.0
SPEED_STEP: Final = 1.5
"""+ and - multiply or divide the typing speed (characters per second) by this."""


class Key(Enum):
    """What the presenter can ask for (the face maps real keys to these)."""

    NEXT = "next"
    BACK = "back"
    AUTOPLAY = "autoplay"
    EXPLANATIONS = "explanations"
    FASTER = "faster"
    SLOWER = "slower"
    LANGUAGE = "language"
    QUIT = "quit"


class DemoController:
    """One demo run: the player, the presenter's choices, the animation."""

    def __init__(self, demo: LoadedDemo, player: DemoPlayer, *, lang: str, speed: float,
                 pace: float, autoplay: bool = False,
                 on_change: Callable[[], None] = lambda: None,
                 on_step: Callable[[str], None] = lambda label: None) -> None:
        self.demo = demo
        self.player = player
        self.lang = lang
        self.speed = min(max(speed, MIN_SPEED), MAX_SPEED)
        self.pace = pace
        self.autoplay = autoplay
        self.explanations = True
        self.waiting = False
        self.on_change = on_change
        self.on_step = on_step
        """Told each step's marker name as the step begins (a recording's markers)."""
        self._typing: str | None = None
        self._partial: StepResult | None = None
        self._typed: list[str] = []
        self._skip = False
        self._quit = False
        self._keys: trio.MemoryReceiveChannel[Key] | None = None

    def view(self) -> DemoView:
        script = self.demo.script(self.lang)
        index = self.player.done - (self._partial is None)
        caption = script.steps[index].caption if 0 <= index < len(script.steps) else ""
        return DemoView(
            title=script.title(self.lang), lang=self.lang, greeting=self.player.greeting,
            results=tuple(self.player.results), total=self.player.total, caption=caption,
            typing=self._typing, partial=self._partial, typed=tuple(self._typed),
            explanations=self.explanations, autoplay=self.pace if self.autoplay else None,
            waiting=self.waiting, speed=self.speed)

    async def run(self, keys: trio.MemoryReceiveChannel[Key]) -> None:
        """Open the session, then act on keys (and the autoplay timer) until q."""
        self._keys = keys
        await self.player.open()
        self.on_change()
        try:
            while not self._quit:
                key = await self._next_key()
                if key is None:
                    await self.step()
                else:
                    await self.handle(key)
        finally:
            await self.player.close()

    async def _next_key(self) -> Key | None:
        """The next key; None when autoplay's pace ran out first (time for a step)."""
        assert self._keys is not None
        if self.autoplay and not self.waiting and not self.player.finished:
            with trio.move_on_after(self.pace):
                return await self._receive()
            return None
        return await self._receive()

    async def _receive(self) -> Key:
        assert self._keys is not None
        try:
            return await self._keys.receive()
        except trio.EndOfChannel:
            return Key.QUIT

    async def handle(self, key: Key) -> None:
        """Act on one key outside the typing of a line."""
        if key is Key.NEXT:
            self.waiting = False
            await self.step(confirmed=True)
        elif key is Key.BACK:
            self.waiting = False
            await self.player.back()
        elif key is Key.QUIT:
            self._quit = True
        else:
            self._toggle(key)
        self.on_change()

    def _toggle(self, key: Key) -> None:
        """Keys that change a choice and may come at any time, even mid-line."""
        if key is Key.AUTOPLAY:
            self.autoplay = not self.autoplay
            self.waiting = False
        elif key is Key.EXPLANATIONS:
            self.explanations = not self.explanations
        elif key is Key.FASTER:
            self.speed = min(self.speed * SPEED_STEP, MAX_SPEED)
        elif key is Key.SLOWER:
            self.speed = max(self.speed / SPEED_STEP, MIN_SPEED)
        elif key is Key.LANGUAGE:
            self.lang = LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]

    async def step(self, *, confirmed: bool = False) -> None:
        """Play the next step, typing each line; autoplay waits at a ``:pause``."""
        if self.player.finished:
            return
        upcoming = self.player.script.steps[self.player.done]
        if upcoming.pause and self.autoplay and not confirmed:
            self.waiting = True
            self.on_change()
            return
        self._skip, self._typed = False, []
        self.on_step(upcoming.marker(self.player.done + 1))
        try:
            await self.player.forward(self._type_line)
        finally:
            self._typing, self._partial, self._typed = None, None, []
        self.on_change()

    async def _type_line(self, partial: StepResult, line: Line) -> None:
        """Type ``line`` out one character at a time; Space finishes it at once."""
        self._partial = partial
        for count in range(len(line.text) + 1):
            self._typing = line.text[:count]
            self.on_change()
            if self._skip or count == len(line.text):
                break
            await self._wait_typing(1 / self.speed)
        self._typing = None
        if partial.step.pipelined:
            self._typed.append(line.text)

    async def _wait_typing(self, seconds: float) -> None:
        """Sleep between two characters, acting meanwhile on the keys that may come."""
        assert self._keys is not None
        with trio.move_on_after(seconds):
            try:
                key = await self._keys.receive()
            except trio.EndOfChannel:
                key = Key.QUIT
            if key in (Key.NEXT, Key.QUIT):
                self._skip = True
                self._quit = self._quit or key is Key.QUIT
                return
            if key is not Key.BACK:
                self._toggle(key)
                self.on_change()
            await trio.sleep_forever()  # the rest of this character's time
