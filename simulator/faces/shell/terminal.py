"""The console's screen on a text stream: the :class:`~.screen.Screen` a guide writes on, and
the live prompt's parts a send may wait under.

No prompt_toolkit here: the live parts (:class:`Live`) are built by ``app.py`` from the
prompt's input and output and handed in when the terminal is made; a terminal without them
(tests, the benchmark, a piped lesson, ``lessons check``) waits quietly and shows all output
at once.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from simulator.client.connection import Step
from simulator.lessons.ui import text

from .screen import Fragments


class Waiter(Protocol):
    """Runs a send with a live "waiting" prompt over it (saying the UI text ``key``); None
    when the learner stopped it."""

    def __call__(self, send: Callable[[], Awaitable[Step]], key: str = ...,
                 ) -> Awaitable[Step | None]: ...


Pauser = Callable[[Callable[[], Awaitable[Step | None]]], Awaitable[Step | None]]
"""Runs a :pause's wait with the live prompt over it (Ctrl-C ends it early)."""
Pager = Callable[[Fragments], Awaitable[None]]
"""Shows output a screenful at a time ("-- more --"), see faces/shell/pager.py."""


@dataclass(frozen=True, slots=True)
class Live:
    """The live prompt's parts (``app.py``), given to a :class:`Terminal` when it is made."""

    pager: Pager
    """How long output (:help, :state) is shown: a screenful at a time."""
    pauser: Pauser
    """How :pause waits: under the live prompt, so Ctrl-C stops it."""
    waiter: Waiter | None = None
    """How a send to a real server (``--connect``) waits: under the waiting prompt, so
    Ctrl-C stops it; None when the built-in server answers (at once)."""


@dataclass
class Terminal:
    """Where the console writes, in which language, and how it waits."""

    out: TextIO
    lang: str
    """The learner's language (``:lang`` changes it)."""
    in_data_now: Callable[[], bool]
    """Whether the session is in DATA (the ``data>`` prompt)."""
    color: bool = False
    wrap: bool = False
    """Wrap at word boundaries to the terminal's current width (on a terminal)."""
    live: Live | None = None
    held: list[Fragments] = field(default_factory=list)
    """Said during a send while the waiting prompt is up: shown when it is gone."""

    @property
    def in_data(self) -> bool:
        return self.in_data_now()

    @property
    def waits_live(self) -> bool:
        """Whether a send waits under the waiting prompt (over ``--connect``)."""
        return self.live is not None and self.live.waiter is not None

    def show(self, fragments: Fragments, *, wrap: bool = True, hang: int | None = None) -> None:
        """Write fragments (coloured when the terminal wants it).

        Wire lines are shown with ``hang`` set to their marker's width: a long one breaks
        between words and goes on under its text, so the marker column stays clear.
        """
        from simulator.render.fragments import to_ansi, to_plain
        from simulator.render.fragments import wrap as wrapped

        if self.wrap and wrap:
            fragments = wrapped(fragments, shutil.get_terminal_size().columns - 1, hang=hang)
        self.out.write(to_ansi(fragments) if self.color else to_plain(fragments))
        self.out.flush()

    async def page(self, fragments: Fragments, *, wrap: bool = True) -> None:
        """Show ``fragments`` as :meth:`show` does, a screenful at a time when taller than
        the screen and the console is live."""
        from simulator.render.fragments import wrap as wrapped

        if self.wrap and wrap:
            fragments = wrapped(fragments, shutil.get_terminal_size().columns - 1)
        if self.live is None:
            self.show(fragments, wrap=False)
        else:
            await self.live.pager(fragments)

    def say(self, key: str, style: str = "class:dim", **fields: object) -> None:
        """A console notice (never mistaken for server output: no direction marker)."""
        self.show([(style, text(f"console.{key}", self.lang, **fields) + "\n")])

    def tell(self, fragments: Fragments) -> None:
        """Show ``fragments`` now, or, while the waiting prompt may hold the terminal, as
        soon as it is gone (written under it, a sentence would run on from the prompt's line
        and wrap mid-word)."""
        if self.waits_live:
            self.held.append(fragments)
        else:
            self.show(fragments)

    async def wait(self, send: Callable[[], Awaitable[Step]], key: str) -> Step | None:
        """``send()``, under the waiting prompt when there is one; None when the learner
        stopped waiting (Ctrl-C)."""
        waiter = None if self.live is None else self.live.waiter
        if waiter is None:
            return await send()
        try:
            return await waiter(send, key)
        finally:  # what the send had to say while the waiting prompt was up
            for said in self.held:
                self.show(said)
            self.held.clear()

    async def pause(self, wait: Callable[[], Awaitable[Step | None]]) -> Step | None:
        """A :pause's ``wait()``, under the live prompt when there is one."""
        return await (wait() if self.live is None else self.live.pauser(wait))
