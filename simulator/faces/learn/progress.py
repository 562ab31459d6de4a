"""The learner's progress, kept in ``learn.json`` in the data directory.

``{"version": 1, "courses": {KEY: {"done": {ID: {"hints": N, "at": TIME}}, "current": ID,
"steps": {ID: {STEP: {"at": TIME, "hints": N}}}}}}``: KEY is ``course`` for the shipped course
and the folder's path for a teacher's; TIME is when (UTC, ISO 8601) the lesson was completed
or the step met, and a step's hints are those shown for it by then (``learn export`` gives
them to a teacher). ``at`` and ``steps`` came later: a file without them is read as before.
Every change is made to the file as it is on disk at that moment, under its lock, then
written atomically (see :func:`simulator.client.home.update_json`): two ``smtp-sim learn`` at
once each add their own lessons, and neither loses the other's. A file that cannot be
understood (not JSON, not ours, nested too deep, not a small regular file) is moved aside
(``learn.json.corrupt``, ``.corrupt-2``...), reported once, and progress starts afresh: it
never stops a lesson.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from simulator.client.home import data_dir, read_state, update_json

if TYPE_CHECKING:
    from simulator.lessons.course import Course, Lesson

PROGRESS_FILE: Final = "learn.json"
VERSION: Final = 1
SHIPPED: Final = "course"


@dataclass(frozen=True, slots=True)
class StepRecord:
    """A step met: when, and how many hints were shown for it by then."""

    at: str
    hints: int


@dataclass
class CourseProgress:
    """One course's progress: lessons done (with the hints they took, and when), the current
    one, and each lesson's steps met."""

    done: dict[str, int] = field(default_factory=dict)
    current: str | None = None
    finished: dict[str, str] = field(default_factory=dict)
    """When each lesson done was completed (absent in files written before it was kept)."""
    steps: dict[str, dict[str, StepRecord]] = field(default_factory=dict)


def now() -> str:
    """The time kept with progress: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def resume_point(course: Course, saved: CourseProgress) -> Lesson | None:
    """Where ``smtp-sim learn`` goes on: the first lesson, in course order, not done yet (the
    first lesson once all are done). Not the lesson opened last: a learner who looked ahead
    at lesson 16 and left still has lesson 4 to do."""
    lessons = course.available
    unfinished = [lesson for lesson in lessons if lesson.id not in saved.done]
    pool = unfinished or list(lessons)
    return pool[0] if pool else None


def _parse(raw: object) -> dict[str, CourseProgress]:
    """The courses of a parsed file; ValueError when its shape is not ours."""
    if not isinstance(raw, dict) or raw.get("version") != VERSION:
        raise ValueError("not a progress file of this version")
    courses = raw.get("courses")
    if not isinstance(courses, dict):
        raise ValueError("no courses table")
    out: dict[str, CourseProgress] = {}
    for key, entry in courses.items():
        done = entry.get("done") if isinstance(entry, dict) else None
        current = entry.get("current") if isinstance(entry, dict) else None
        if not isinstance(done, dict) or not (current is None or isinstance(current, str)):
            raise ValueError(f"course {key!r} is malformed")
        hints = {str(lesson): value.get("hints", 0) if isinstance(value, dict) else None
                 for lesson, value in done.items()}
        if not all(isinstance(count, int) for count in hints.values()):
            raise ValueError(f"course {key!r} has a malformed lesson")
        finished = {str(lesson): value["at"] for lesson, value in done.items()
                    if isinstance(value.get("at"), str)}
        out[str(key)] = CourseProgress({k: int(v or 0) for k, v in hints.items()}, current,
                                       finished, _steps(entry.get("steps", {}), key))
    return out


def _steps(raw: object, key: str) -> dict[str, dict[str, StepRecord]]:
    """The steps met per lesson (``{}`` in a file from before they were kept)."""
    if not isinstance(raw, dict):
        raise ValueError(f"course {key!r} has malformed steps")
    out: dict[str, dict[str, StepRecord]] = {}
    for lesson, steps in raw.items():
        if not isinstance(steps, dict):
            raise ValueError(f"course {key!r} has malformed steps")
        for step, record in steps.items():
            at = record.get("at") if isinstance(record, dict) else None
            hints = record.get("hints", 0) if isinstance(record, dict) else None
            if not isinstance(at, str) or not isinstance(hints, int):
                raise ValueError(f"course {key!r} has a malformed step")
            out.setdefault(str(lesson), {})[str(step)] = StepRecord(at, hints)
    return out


class ProgressStore:
    """Read and write one course's progress in the shared file."""

    def __init__(self, course_key: str = SHIPPED, path: Path | None = None) -> None:
        self.key = course_key
        self.path = path or data_dir() / PROGRESS_FILE
        self.moved_to: Path | None = None
        """Where a corrupt file was moved by the last :meth:`load` (None when it was fine)."""
        self._courses: dict[str, CourseProgress] = {}

    def load(self) -> CourseProgress:
        self.moved_to = None
        try:
            self._courses = _parse(read_state(self.path))
        except OSError:  # none yet, or unreadable: start afresh, do not stop the lesson
            self._courses = {}
        except ValueError:  # not JSON, not ours, or refused by the reader (FileRefused)
            self._courses = {}
            self.moved_to = self._set_aside()
        return self._mine()

    def _mine(self) -> CourseProgress:
        return self._courses.setdefault(self.key, CourseProgress())

    def _set_aside(self) -> Path | None:
        for number in range(1, 100):
            suffix = ".corrupt" if number == 1 else f".corrupt-{number}"
            target = self.path.with_name(self.path.name + suffix)
            if not target.exists():
                try:
                    self.path.replace(target)
                except OSError:
                    return None
                return target
        return None

    def _change(self, change: Callable[[CourseProgress], None]) -> str | None:
        """Apply ``change`` to this course's progress as the file holds it now (another
        process may have written since :meth:`load`) and write it; the error text when it
        could not be written. Unreadable on disk, the progress known here is the base."""
        def changed(current: object) -> dict[str, Any]:
            with contextlib.suppress(ValueError):  # none, or not ours: ours is the base
                self._courses = _parse(current)
            change(self._mine())
            return self._document()

        try:
            update_json(self.path, changed)
        except OSError as err:
            return str(err.strerror or err)
        return None

    def _document(self) -> dict[str, Any]:
        return {"version": VERSION, "courses": {
            key: _entry(entry) for key, entry in self._courses.items()}}

    def mark_done(self, lesson_id: str, hints: int, next_id: str | None,
                  at: str | None = None) -> str | None:
        def done(mine: CourseProgress) -> None:
            mine.done[lesson_id] = hints
            mine.finished[lesson_id] = at or now()
            mine.current = next_id

        return self._change(done)

    def step_done(self, lesson_id: str, step_id: str, hints: int,
                  at: str | None = None) -> str | None:
        """Step ``step_id`` of ``lesson_id`` met now, after ``hints`` hints."""
        def met(mine: CourseProgress) -> None:
            mine.steps.setdefault(lesson_id, {})[step_id] = StepRecord(at or now(), hints)

        return self._change(met)

    def set_current(self, lesson_id: str | None) -> str | None:
        def current(mine: CourseProgress) -> None:
            mine.current = lesson_id

        return self._change(current)

    def reset(self, lesson_id: str | None = None) -> str | None:
        def forget(mine: CourseProgress) -> None:
            if lesson_id is None:
                mine.done.clear()
                mine.finished.clear()
                mine.steps.clear()
                mine.current = None
            else:
                mine.done.pop(lesson_id, None)
                mine.finished.pop(lesson_id, None)
                mine.steps.pop(lesson_id, None)
                if mine.current == lesson_id:
                    mine.current = None

        return self._change(forget)


def _entry(entry: CourseProgress) -> dict[str, Any]:
    """One course as the file holds it (``at`` and ``steps`` only where there are some)."""
    done: dict[str, dict[str, Any]] = {}
    for lesson, hints in entry.done.items():
        done[lesson] = {"hints": hints}
        if lesson in entry.finished:
            done[lesson]["at"] = entry.finished[lesson]
    out: dict[str, Any] = {"done": done, "current": entry.current}
    if entry.steps:
        out["steps"] = {lesson: {step: {"at": record.at, "hints": record.hints}
                                 for step, record in steps.items()}
                        for lesson, steps in entry.steps.items()}
    return out
