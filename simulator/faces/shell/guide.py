"""What another face can add to the console: a guide that watches and speaks up.

The course (``smtp-sim learn``) runs each lesson in the real console with a guide: it shows
the goal panel before the greeting, sees every reply the console shows (and ticks goals from
them), answers its own ``:`` commands (``:goal``, ``:hint``...), and adds to the toolbar.
Everything else the console does (``:help``, ``:detail``, ``:lang``, STARTTLS over real TLS,
``:save``...) works unchanged. The console knows the guide only through this protocol, so
``shell/`` imports no face.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from simulator.client.connection import Step
from simulator.faces.prompt.spec import MetaSpec

if TYPE_CHECKING:
    from .context import ConsoleContext

Fragments = list[tuple[str, str]]


class Guide(Protocol):
    """A companion to one console run."""

    @property
    def specs(self) -> tuple[MetaSpec, ...]:
        """Its own ``:`` commands: completed, highlighted and listed by ``:help``."""
        ...

    @property
    def done(self) -> bool:
        """Its work is finished: an empty Enter is its to answer, and the console does not
        offer to reconnect when the session closes."""
        ...

    def help_text(self, name: str, lang: str) -> str:
        """What ``:help`` says about one of :attr:`specs`."""
        ...

    def begin(self, ctx: ConsoleContext) -> None:
        """Before the first session opens (its greeting is observed next)."""
        ...

    def observe(self, ctx: ConsoleContext, step: Step) -> None:
        """After the console has shown ``step``'s replies and their explanations."""
        ...

    def handle(self, ctx: ConsoleContext, line: str) -> bool | None:
        """A typed line the guide answers itself: True leaves the console, False stays;
        None means the line is not the guide's (the console handles it)."""
        ...

    def toolbar(self, ctx: ConsoleContext, width: int) -> Fragments:
        """A line above the console's toolbar, fitting ``width`` columns."""
        ...
