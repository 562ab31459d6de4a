"""The learner's progress, kept in ``learn.json`` in the data directory.

``{"version": 1, "courses": {KEY: {"done": {ID: {"hints": N}}, "current": ID}}}``: KEY is
``course`` for the shipped course and the folder's path for a teacher's. Every write is atomic
(see :func:`simulator.client.home.write_atomically`). A file that cannot be understood is moved
aside (``learn.json.corrupt``, ``.corrupt-2``...), reported once, and progress starts afresh:
it never stops a lesson.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from simulator.client.home import data_dir, write_atomically

PROGRESS_FILE: Final = "learn.json"
VERSION: Final = 1
SHIPPED: Final = "course"


@dataclass
class CourseProgress:
    """One course's progress: lessons done (with the hints they took) and the current one."""

    done: dict[str, int] = field(default_factory=dict)
    current: str | None = None


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
            raw = self.path.read_bytes()
        except OSError:  # none yet, or unreadable: start afresh, do not stop the lesson
            self._courses = {}
            return self._mine()
        try:
            self._courses = _parse(json.loads(raw.decode("utf-8")))
        except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
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

    def save(self) -> str | None:
        """Write every course's progress; the error text when it could not be written."""
        document: dict[str, Any] = {"version": VERSION, "courses": {
            key: {"done": {lesson: {"hints": hints} for lesson, hints in entry.done.items()},
                  "current": entry.current}
            for key, entry in self._courses.items()}}
        try:
            write_atomically(self.path, json.dumps(document, indent=2, ensure_ascii=False))
        except OSError as err:
            return str(err.strerror or err)
        return None

    def mark_done(self, lesson_id: str, hints: int, next_id: str | None) -> str | None:
        mine = self._mine()
        mine.done[lesson_id] = hints
        mine.current = next_id
        return self.save()

    def set_current(self, lesson_id: str | None) -> str | None:
        self._mine().current = lesson_id
        return self.save()

    def reset(self, lesson_id: str | None = None) -> str | None:
        mine = self._mine()
        if lesson_id is None:
            mine.done.clear()
            mine.current = None
        else:
            mine.done.pop(lesson_id, None)
            if mine.current == lesson_id:
                mine.current = None
        return self.save()
