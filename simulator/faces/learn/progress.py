"""The learner's progress, kept in ``learn.json`` in the data directory.

``{"version": 1, "courses": {KEY: {"done": {ID: {"hints": N}}, "current": ID}}}``: KEY is
``course`` for the shipped course and the folder's path for a teacher's. Every change is made
to the file as it is on disk at that moment, under its lock, then written atomically (see
:func:`simulator.client.home.update_json`): two ``smtp-sim learn`` at once each add their own
lessons, and neither loses the other's. A file that cannot be understood (not JSON, not ours,
nested too deep, not a small regular file) is moved aside (``learn.json.corrupt``,
``.corrupt-2``...), reported once, and progress starts afresh: it never stops a lesson.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from simulator.client.home import data_dir, read_state, update_json

if TYPE_CHECKING:
    from simulator.lessons.course import Course, Lesson

PROGRESS_FILE: Final = "learn.json"
VERSION: Final = 1
SHIPPED: Final = "course"


@dataclass
class CourseProgress:
    """One course's progress: lessons done (with the hints they took) and the current one."""

    done: dict[str, int] = field(default_factory=dict)
    current: str | None = None


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
        out[str(key)] = CourseProgress({k: int(v or 0) for k, v in hints.items()}, current)
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
            key: {"done": {lesson: {"hints": hints} for lesson, hints in entry.done.items()},
                  "current": entry.current}
            for key, entry in self._courses.items()}}

    def mark_done(self, lesson_id: str, hints: int, next_id: str | None) -> str | None:
        def done(mine: CourseProgress) -> None:
            mine.done[lesson_id] = hints
            mine.current = next_id

        return self._change(done)

    def set_current(self, lesson_id: str | None) -> str | None:
        def current(mine: CourseProgress) -> None:
            mine.current = lesson_id

        return self._change(current)

    def reset(self, lesson_id: str | None = None) -> str | None:
        def forget(mine: CourseProgress) -> None:
            if lesson_id is None:
                mine.done.clear()
                mine.current = None
            else:
                mine.done.pop(lesson_id, None)
                if mine.current == lesson_id:
                    mine.current = None

        return self._change(forget)
