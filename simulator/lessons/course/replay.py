"""What replaying a lesson script gives back, and the shape of the function that replays one.

There is one road for a lesson: typed, piped (``smtp-sim learn ID < script``) or replayed by
``lessons check``, its lines go through the console's context, the built-in connection and
the server (``serve_stream``), with real TLS, on a virtual clock where time must pass quickly
(``simulator/faces/shell/course.py``). That road runs on trio, above this pure layer, so the
course linter is handed the replay as a function (:data:`Replayer`) and reads its
:class:`Replayed`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from simulator.protocol import Exchange

from .model import Lesson
from .tutor import Progress


@dataclass(frozen=True, slots=True)
class Replayed:
    """A script played to its end: the tutor's progress and every Exchange the server made."""

    progress: Progress
    exchanges: tuple[Exchange, ...]


Replayer = Callable[[Lesson, Sequence[str]], Replayed]
"""Plays a script's lines through a fresh run of a lesson."""
