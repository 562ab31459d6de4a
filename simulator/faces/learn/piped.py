"""``smtp-sim learn ID < script``: the lesson played from a script, for tests and teachers.

Lines are read as ``smtp-sim run`` reads them (``client.script.read_lines``: one at a time,
each capped, so a huge input never sits in memory whole), with the same ``#`` narration,
``:eol``, ``:pause`` and ``:reconnect``. The transcript is printed with
each tick as it happens; the exit status is 0 when the lesson was completed, 1 when not (the
missing steps are named).
"""

from __future__ import annotations

import io
import sys
from typing import IO

from simulator.client.script import read_lines
from simulator.lessons.course import Course, Lesson

from . import panel
from .lesson import Action, LessonScreen, Show
from .progress import ProgressStore


def run_piped(course: Course, lesson: Lesson, *, lang: str, store: ProgressStore,
              show: Show, data: bytes | None = None) -> int:
    """Play the lines of ``data`` (standard input by default); 0 complete, 1 not."""
    stream: IO[bytes] = sys.stdin.buffer if data is None else io.BytesIO(data)
    screen = LessonScreen(course, lesson, lang, show, store=store)
    screen.begin()
    for send in read_lines(stream):  # run's reader: streamed, each line capped
        if screen.handle(send.line.decode("utf-8", "surrogateescape")) is not Action.CONTINUE:
            break
    if screen.finished:
        return 0
    show(panel.missing_fragments(lesson, screen.missing(), screen.lang))
    return 1
