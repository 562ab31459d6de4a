"""What makes a face start sooner, the command line's own concern (:mod:`.command`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside, then as it was. Imports make objects that
    live as long as the process: the dozens of collections they set off free nothing and
    were a tenth of a face's start (a full one alone about 10 ms before the first prompt)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
