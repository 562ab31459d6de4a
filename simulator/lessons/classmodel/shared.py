"""The class model shared by two threads: serve's log thread feeds it, a screen draws it.

A ``threading.Lock``, not trio's: the feeder runs in a worker thread (file writes, never on
trio's thread, so a slow disk or a busy screen never holds up a client) and the dashboard
draws on prompt_toolkit's; neither is a trio task. The lessons layer stays pure (no trio, no
sockets): a lock is no I/O.
"""

from __future__ import annotations

import threading

from .model import ClassModel, ServerWarning


class SharedClass:
    """The model shared between the thread that feeds it and the screen that draws it:
    hold ``lock`` to read or change ``model``; ``version`` grows with every change, so a
    screen redraws only when there is something new."""

    def __init__(self, *, transcripts: bool = True, lang: str = "en") -> None:
        self.model = ClassModel(transcripts=transcripts)
        self.lang = lang
        """The instructor's language (the dashboard's ``l`` changes it; the summary uses it)."""
        self.lock = threading.Lock()
        self.version = 0

    def warn(self, notice: ServerWarning) -> None:
        """A warning of the server, for the screen's status line (any thread may call this)."""
        with self.lock:
            self.model.warning = notice
            self.model.warnings += 1
            self.version += 1
