"""asciicast v2 recordings: what the audience saw, for asciinema's player.

The format (https://docs.asciinema.org/manual/asciicast/v2/): a first line holding a JSON
header (``version`` 2, ``width``, ``height``, optional ``title``...), then one JSON array per
line, ``[seconds, "o", text]``, seconds since the start, never decreasing. Text is what the
terminal received, so line breaks are ``\\r\\n`` and colours are ANSI sequences. A marker,
``[seconds, "m", label]``, is a point asciinema's player lists, jumps to and can pause at: one
per demo step. ``idle_time_limit`` in the header tells the player to shorten any pause longer
than that (a presenter talking over a step).
"""

from __future__ import annotations

import json
from typing import Final, TextIO

VERSION: Final = 2


def terminal_text(text: str) -> str:
    """Text as a terminal must receive it: every LF preceded by a CR."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


class AsciicastWriter:
    """Writes one recording to ``out``: the header at once, then each output event.

    Times are clamped so they never go backwards (a clock that steps back, two events in
    the same instant), as the format requires.
    """

    def __init__(self, out: TextIO, *, width: int, height: int, title: str = "",
                 idle_time_limit: float | None = None) -> None:
        self.out = out
        self.width, self.height = width, height
        self.events = 0
        self.last = 0.0
        header: dict[str, object] = {"version": VERSION, "width": width, "height": height}
        if title:
            header["title"] = title
        if idle_time_limit is not None:
            header["idle_time_limit"] = idle_time_limit
        header["env"] = {"TERM": "xterm-256color"}
        out.write(json.dumps(header, ensure_ascii=False) + "\n")

    def output(self, seconds: float, text: str) -> None:
        """Record ``text`` written to the terminal ``seconds`` after the start."""
        if not text:
            return
        self.last = max(self.last, round(seconds, 6))
        self.out.write(json.dumps([self.last, "o", text], ensure_ascii=False) + "\n")
        self.events += 1

    def marker(self, seconds: float, label: str) -> None:
        """A marker named ``label`` at ``seconds`` (a step's start)."""
        self.last = max(self.last, round(seconds, 6))
        self.out.write(json.dumps([self.last, "m", label], ensure_ascii=False) + "\n")

    def flush(self) -> None:
        self.out.flush()
