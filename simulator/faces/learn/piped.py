"""``smtp-sim learn ID < script``: the lesson played from a script, for tests and teachers.

The same road as the typed lesson: each line goes to the console (its context, the built-in
connection, the server, real TLS) with the lesson's guide beside it, exactly as if typed; only
the clock is virtual (``faces/shell/course.py``), so ``:pause 21`` passes an idle timeout at
once. Lines are read as ``smtp-sim run`` reads them (``client.script.read_lines``: one at a
time, each capped). The exit status is 0 when the lesson was completed, 1 when not (the
missing steps are named).
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Iterator
from typing import IO, TextIO

from simulator.client.script import read_lines
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.course import lesson_context, on_virtual_clock, play_script
from simulator.lessons.course import Course, Lesson

from . import panel
from .coach import Action
from .guide import LessonGuide
from .progress import ProgressStore


def run_piped(course: Course, lesson: Lesson, *, lang: str, store: ProgressStore,
              out: TextIO, color: bool = False, data: bytes | None = None) -> int:
    """Play the lines of ``data`` (standard input by default); 0 complete, 1 not."""
    stream: IO[bytes] = sys.stdin.buffer if data is None else io.BytesIO(data)
    lines = (send.line.decode("utf-8", "surrogateescape") for send in read_lines(stream))
    guide, ctx = _play(course, lesson, lines, lang=lang, store=store, out=out, color=color)
    if guide.complete:
        return 0
    missing = () if guide.coach is None else guide.coach.missing()
    ctx.show(panel.missing_fragments(lesson, missing, ctx.lang))
    return 1


def _play(course: Course, lesson: Lesson, lines: Iterator[str], *, lang: str,
          store: ProgressStore, out: TextIO, color: bool) -> tuple[LessonGuide, ConsoleContext]:
    """The lesson until the lines run out or one leaves it; ``:restart`` starts it over on a
    fresh server and the lines go on there."""
    while True:
        guide = LessonGuide(course, lesson, store=store, lang=lang, interactive=False)
        ctx = lesson_context(lesson, guide, lang=lang, out=out, color=color,
                             wrap=out.isatty())
        on_virtual_clock(functools.partial(play_script, ctx, lines))
        lang = ctx.lang
        if guide.action is not Action.RESTART:
            return guide, ctx
