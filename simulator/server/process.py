"""Process-wide settings a server changes while it runs, each put back in ``finally``.

Signal handlers and the garbage collector's settings belong to the whole process: a function
that changes them and returns (to a test, to a caller that goes on) must leave them as it
found them, or the next thing in the process inherits a server's choices (a test run that
ignores Ctrl-C and SIGTERM, for one).
"""

from __future__ import annotations

import gc
import signal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


@contextmanager
def signals_ignored(signums: Iterable[int]) -> Iterator[None]:
    """These signals are ignored inside; the handlers that were there come back after."""
    previous = {signum: signal.getsignal(signum) for signum in signums}
    for signum in previous:
        signal.signal(signum, signal.SIG_IGN)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            # None: a handler not installed from Python; the default is the best we can do
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


@contextmanager
def gc_tuned(threshold: int) -> Iterator[None]:
    """What exists now is frozen (never scanned again) and young collections come every
    ``threshold`` allocations, inside; the thresholds and the unfrozen heap come back after."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()
