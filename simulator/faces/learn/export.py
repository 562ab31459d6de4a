"""``smtp-sim learn export [FILE|-]``: the learner's progress as JSON, for a teacher.

One object per lesson of the course, in course order, keyed by its id: its number and
sequence, the steps met (id, when, hints shown for it by then), the hints the lesson took and
when it was completed (``null`` while it is not). Times are UTC, ISO 8601; a lesson completed
before times were kept says ``"completed": "unknown"``.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Final

from simulator.files import FileRefused, open_output
from simulator.lessons.course import Course
from simulator.lessons.refusals import say
from simulator.lessons.ui import text

from .progress import CourseProgress, now

FORMAT: Final = "smtp-sim-progress/1"


def export_document(course: Course, saved: CourseProgress, key: str) -> dict[str, Any]:
    """The progress of ``course`` as a teacher reads it."""
    lessons: dict[str, Any] = {}
    for lesson in course.lessons:
        sequence = course.sequence_of(lesson)
        steps = saved.steps.get(lesson.id, {})
        done = lesson.id in saved.done
        lessons[lesson.id] = {
            "number": lesson.place,
            "sequence": sequence.id if sequence else None,
            "steps": [{"id": goal.id, "at": steps[goal.id].at, "hints": steps[goal.id].hints}
                      for goal in lesson.goals if goal.id in steps],
            "steps_total": len(lesson.goals),
            "hints": saved.done.get(lesson.id, sum(record.hints for record in steps.values())),
            "completed": saved.finished.get(lesson.id, "unknown") if done else None,
        }
    return {"format": FORMAT, "course": key, "exported": now(),
            "done": sum(1 for lesson in course.lessons if lesson.id in saved.done),
            "total": len(course.lessons), "lessons": lessons}


def run_export(course: Course, saved: CourseProgress, key: str, target: str | None,
               lang: str) -> int:
    """Write the document to ``target`` (standard output for ``-`` or none); 0 when written,
    1 when the file could not be."""
    exported = export_document(course, saved, key)
    document = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
    if target in (None, "-"):
        sys.stdout.write(document)
        return 0
    try:
        with open_output(str(target)) as out:
            out.write(document)
    except FileRefused as refused:  # a FIFO no program reads
        print(say(refused, lang, path=str(target)), file=sys.stderr)
        return 1
    except OSError as err:
        print(text("course.export-failed", lang, path=target, error=err.strerror or err),
              file=sys.stderr)
        return 1
    print(text("course.export-done", lang, path=target, done=exported["done"],
               total=exported["total"]), file=sys.stderr)
    return 0
