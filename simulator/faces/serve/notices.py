"""The one road for what ``serve`` says while it runs, and the one place it ends: the sink.

Anything that must tell the instructor something while the server runs (a TLS handshake
that failed, a message that could not be stored, no file descriptors left, a signal that
stops the server, the ``--log`` file that stopped) is a warning on a logger under
``simulator``: server code logs with ``extra=notice(KEY, **fields)`` (see
:mod:`simulator.server.notices`); serve's own code (faces) calls :func:`warn` with a UI text
key, or :func:`say` with a sentence. :func:`routed`, used once around the whole run by
``faces/serve/main.py``, sends all of these, and Python's own ``warnings``, to one
:class:`Notices`, which hands each to its *sink*:

- by default, one line on stderr in the instructor's language (what it always was);
- while ``serve --dashboard`` shows the class, the dashboard's status line (newest warning
  and a count; see :meth:`Notices.to`), so nothing is written over the full screen.

Never print to stderr while serving: warn here, and the screen in use decides.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.server.notices import OTHER, Notice, notice_of

if TYPE_CHECKING:
    from simulator.lessons.classmodel.model import ServerWarning

ROOT: Final = "simulator"
"""The logger whose records (and its children's) the sink receives."""
Sink = Callable[[Notice], None]

_active: list[Notices] = []
"""The Notices of the run under way (set by :func:`routed`), if any."""


def warn(key: str, **fields: object) -> None:
    """Tell the instructor UI text ``key`` (table ``[serve]``), wherever the screen wants it
    (on stderr, in English, when no serve run is under way)."""
    _deliver(Notice(key, fields))


def say(line: str) -> None:
    """Tell the instructor ``line``, already in their language, as :func:`warn` does."""
    _deliver(Notice(OTHER, {"message": line}))


def _deliver(found: Notice) -> None:
    if _active:
        _active[-1].deliver(found)
    else:
        Notices(LANGS[0]).on_stderr(found)


def sentence(found: ServerWarning, lang: str) -> str:
    """The warning in ``lang``."""
    return text(found.key, lang, **found.fields)


class Notices(logging.Handler):
    """The handler every warning of a serve run goes through, and its replaceable sink."""

    def __init__(self, lang: str) -> None:
        super().__init__(logging.WARNING)
        self.lang = lang
        self.sink: Sink = self.on_stderr

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.sink(notice_of(record))
        except Exception:  # a warning must never stop the server; logging reports it
            self.handleError(record)

    def deliver(self, found: Notice) -> None:
        """One warning from serve's own code (not a log record)."""
        with contextlib.suppress(Exception):  # as emit(): never stops the server
            self.sink(found)

    def on_stderr(self, found: Notice) -> None:
        """The default sink: a line on stderr, if there still is one (after SIGHUP the
        terminal may be gone)."""
        with contextlib.suppress(OSError, ValueError):
            print(sentence(found, self.lang), file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def to(self, sink: Sink) -> Iterator[None]:
        """Send the warnings to ``sink`` (the dashboard's) for the length of the block."""
        previous, self.sink = self.sink, sink
        try:
            yield
        finally:
            self.sink = previous


@contextlib.contextmanager
def routed(lang: str) -> Iterator[Notices]:
    """Every warning under ``simulator`` (and Python's ``warnings``) goes to one Notices
    for the length of the block; the loggers and ``warnings`` are as they were after it."""
    handler = Notices(lang)
    logger = logging.getLogger(ROOT)
    propagate, showing = logger.propagate, warnings.showwarning
    logger.addHandler(handler)
    logger.propagate = False  # not also to the root's handlers (or Python's last resort)

    def show_warning(message: Warning | str, category: type[Warning], *_: object,
                     **__: object) -> None:
        say(f"{category.__name__}: {message}")  # one line: no file name, no source line

    warnings.showwarning = show_warning
    _active.append(handler)
    try:
        yield handler
    finally:
        _active.remove(handler)
        warnings.showwarning = showing
        logger.removeHandler(handler)
        logger.propagate = propagate
