"""The course: lessons as data, the pure tutor that ticks their goals from the server's
Exchanges, and the linter (handed the replay, which runs on the console's road above)."""

from __future__ import annotations

from .load import default_course_root, load_course, parse_lesson
from .model import (
    AddressRef,
    Check,
    Course,
    CourseSequence,
    Goal,
    Lesson,
    LessonText,
    MessageCheck,
    Quiz,
    Scope,
    Setup,
    StepText,
)
from .replay import Replayed, Replayer
from .tutor import Progress, current_goal, is_complete, matches, missing_goals, observe
from .tutoring import Tutor

__all__ = [
    "AddressRef", "Check", "Course", "CourseSequence", "Goal", "Lesson", "LessonText",
    "MessageCheck", "Progress", "Quiz", "Replayed", "Replayer", "Scope", "Setup", "StepText",
    "Tutor", "current_goal", "default_course_root", "is_complete", "load_course", "matches",
    "missing_goals", "observe", "parse_lesson",
]
