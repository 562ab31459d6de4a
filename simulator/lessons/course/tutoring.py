"""The Tutor: one lesson and its progress, held for a face that observes one Exchange at a
time (tutor.observe) and takes the learner's ``:answer`` (quiz.answer). It sits above both
pure roads, so neither imports the other."""

from __future__ import annotations

from simulator.protocol import Exchange

from .model import Goal, Lesson
from .quiz import answer
from .tutor import Progress, current_goal, is_complete, observe


class Tutor:
    """A lesson and its progress, for faces that observe one Exchange at a time."""

    def __init__(self, lesson: Lesson, progress: Progress | None = None) -> None:
        self.lesson = lesson
        self.progress = progress or Progress()

    def observe(self, exchange: Exchange) -> Progress:
        self.progress = observe(self.lesson, self.progress, exchange)
        return self.progress

    def answer(self, given: str) -> Progress:
        """The learner's ``:answer`` to the current quiz step."""
        self.progress = answer(self.lesson, self.progress, given)
        return self.progress

    @property
    def current(self) -> Goal | None:
        return current_goal(self.lesson, self.progress)

    @property
    def complete(self) -> bool:
        return is_complete(self.lesson, self.progress)
