"""Where the learn face writes: fragments to a text stream, ANSI or plain, wrapped to the
terminal (never the wire lines, which stay one line each, as received)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import TextIO

from simulator.render.fragments import to_ansi, to_plain
from simulator.render.fragments import wrap as wrapped
from simulator.render.wrap import Fragments


class Printer:
    """Writes fragments to a text stream, ANSI or plain, wrapped to ``width`` if given."""

    def __init__(self, out: TextIO, *, color: bool, width: Callable[[], int] | None = None
                 ) -> None:
        self.out, self.color, self.width = out, color, width

    def __call__(self, fragments: Fragments, *, wrap: bool = True) -> None:
        if wrap and self.width is not None:
            fragments = wrapped(fragments, self.width())
        self.out.write(to_ansi(fragments) if self.color else to_plain(fragments))
        self.out.flush()


def terminal_width() -> int:
    return shutil.get_terminal_size().columns - 1


def printer(out: TextIO, *, color: bool) -> Printer:
    """A Printer for ``out``, wrapping to the terminal when ``out`` is one."""
    return Printer(out, color=color, width=terminal_width if out.isatty() else None)
