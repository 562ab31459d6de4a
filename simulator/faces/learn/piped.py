"""``smtp-sim learn ID < script``: the lesson played from a script, for tests and teachers.

Lines are read as ``smtp-sim run`` reads them (``#`` narration, ``:eol``, ``:pause``,
``:reconnect``), one at a time, each kept to at most :data:`MAX_LINE` octets (the server refuses
longer ones anyway), so a huge input never sits in memory whole. The transcript is printed with
each tick as it happens; the exit status is 0 when the lesson was completed, 1 when not (the
missing steps are named).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import IO, Final

from simulator.lessons.course import Course, Lesson

from . import panel
from .lesson import Action, LessonScreen, Show
from .progress import ProgressStore

MAX_LINE: Final = 64 * 1024


def script_lines(stream: IO[bytes]) -> Iterator[str]:
    """The lines of ``stream``: LF-separated, one trailing CR dropped, cut at MAX_LINE."""
    while chunk := stream.readline(MAX_LINE):
        if not chunk.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass  # the rest of an over-long line is read and dropped
        yield chunk.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8", "surrogateescape")


def run_piped(course: Course, lesson: Lesson, *, lang: str, store: ProgressStore,
              show: Show, data: bytes | None = None) -> int:
    """Play the lines of ``data`` (standard input by default); 0 complete, 1 not."""
    stream: IO[bytes] = sys.stdin.buffer if data is None else io.BytesIO(data)
    screen = LessonScreen(course, lesson, lang, show, store=store)
    screen.begin()
    for line in script_lines(stream):
        if screen.handle(line) is not Action.CONTINUE:
            break
    if screen.finished:
        return 0
    show(panel.missing_fragments(lesson, screen.missing(), screen.lang))
    return 1
