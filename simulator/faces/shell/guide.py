"""What another face can add to the console: a guide that watches and speaks up.

The course (``smtp-sim learn``) runs each lesson in the real console with a guide: it shows
the goal panel before the greeting, sees every reply the console shows (and ticks goals from
them), answers its own ``:`` commands (``:goal``, ``:hint``...), and adds to the toolbar.
Everything else the console does (``:help``, ``:detail``, ``:lang``, STARTTLS over real TLS,
``:save``...) works unchanged. The console knows the guide only through this protocol, and
the guide knows the console only as a :class:`~.screen.Screen`, so ``shell/`` imports no
face and a guide never reaches the connection, the store or the settings.
"""

from __future__ import annotations

from typing import Protocol

from simulator.client.connection import Step
from simulator.faces.prompt.spec import MetaSpec

from .screen import Fragments, Screen


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

    def begin(self, screen: Screen) -> None:
        """Before the first session opens (its greeting is observed next)."""
        ...

    def observe(self, screen: Screen, step: Step) -> None:
        """After the console has shown ``step``'s replies and their explanations. The QUIT
        the console sends itself to say goodbye (Ctrl-D, ``:quit``) is never observed: it is
        not a step the learner took."""
        ...

    def handle(self, screen: Screen, line: str) -> bool | None:
        """A typed line the guide answers itself: True leaves the console, False stays;
        None means the line is not the guide's (the console handles it)."""
        ...

    def toolbar(self, screen: Screen, width: int) -> Fragments:
        """A line above the console's toolbar, fitting ``width`` columns."""
        ...
