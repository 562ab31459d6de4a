"""The screen a guide writes on: the one protocol a lesson's guide (and the coming web console's
page, issue 25) needs of the console it runs beside.

A guide never sees the connection, the store, the settings or the transcript: it is handed a
:class:`Screen` and may only write fragments on it in the learner's language (the goal panel,
a tick, a hint, a question asked), and ask which prompt the learner is at. The terminal
console implements it with :class:`~simulator.faces.shell.terminal.Terminal`; the web console
implements the same protocol for a browser, so one guide serves both.
"""

from __future__ import annotations

from typing import Protocol

from simulator.render.wrap import Fragments as Fragments  # re-exported

"""Styled text, as every renderer in ``simulator.render`` takes it: ``(style, text)`` pairs."""


class Screen(Protocol):
    """What a guide may call on the learner's screen (a terminal, or a browser's page).

    Everything written is shown below the replies already shown, in order; nothing written
    here is ever sent to the server. A web console implements it by rendering the same
    fragments to HTML for its page, and by reporting its own session's state as
    :attr:`in_data`.
    """

    @property
    def lang(self) -> str:
        """The learner's language now (``:lang`` may change it between two lines)."""
        ...

    @property
    def in_data(self) -> bool:
        """Whether the learner is typing message text (the ``data>`` prompt): then an empty
        line is a line of the message, not a request of the guide's."""
        ...

    def show(self, fragments: Fragments, *, wrap: bool = True) -> None:
        """Write ``fragments`` (a goal panel, a tick, a hint, a question) on the screen;
        ``wrap=False`` keeps each line whole, as received from the wire."""
        ...

    def say(self, key: str, style: str = "class:dim", **fields: object) -> None:
        """Write the console's UI sentence ``console.KEY`` in the learner's language."""
        ...
