"""What a lesson says around the server's replies: the goal panel, ticks, hints, the summary.

One :class:`Coach` per lesson attempt, the console's guide's (``guide.py``), typed or piped:
it is handed the Exchanges the server produced, after they were shown with their
explanations, and it ticks the goals the tutor reports, answers ``:goal``, ``:hint``,
``:skip`` and ``:lessons``, and saves progress when the last step is met.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Protocol

from simulator.lessons.course import Course, Lesson, Tutor, current_goal
from simulator.lessons.course.model import Goal
from simulator.lessons.course.notes import near_note, reaction
from simulator.lessons.course.quiz import reaction_to
from simulator.lessons.course.tutor import with_hint
from simulator.lessons.course.words import say
from simulator.protocol import Exchange
from simulator.render.wrap import Fragments

from . import panel
from .progress import ProgressStore


class Show(Protocol):
    """Where a lesson writes: wire lines are passed with ``wrap=False`` (one line each, as
    received), everything else may be wrapped to the terminal."""

    def __call__(self, fragments: Fragments, *, wrap: bool = True) -> None: ...


class Action(enum.Enum):
    """What the face does after a line."""

    CONTINUE = "continue"
    NEXT = "next"
    """Start the next lesson (Enter after a completed lesson, or :skip)."""
    SWITCH = "switch"
    """Start :attr:`Coach.switch_to` (``:lessons ID``)."""
    RESTART = "restart"
    """This lesson again, from a new session (``:restart``)."""
    QUIT = "quit"


class Coach:
    """The lesson's side of one attempt; ``lang`` may change between lines (``:lang``)."""

    def __init__(self, course: Course, lesson: Lesson, lang: str, show: Show, *,
                 store: ProgressStore | None = None, interactive: bool = False) -> None:
        self.course, self.lesson, self.lang, self.show = course, lesson, lang, show
        self.store, self.interactive = store, interactive
        self.tutor = Tutor(lesson)
        self.finished = False
        self.switch_to: Lesson | None = None

    def begin(self) -> None:
        """The goal panel; the lesson becomes the one ``smtp-sim learn`` resumes."""
        if self.store is not None:
            self.store.set_current(self.lesson.id)
        self.show(panel.goal_panel(self.lesson, self.tutor.progress, self.lang))

    def after(self, exchanges: Iterable[Exchange]) -> None:
        """Each of ``exchanges`` to the tutor, and after each its ticks or why it nearly
        counted (a pipelined group brings several replies at once: each may meet a step),
        a word when an accepted message met no step, and the summary when the last step is
        met."""
        exchanges = tuple(exchanges)
        if not exchanges:
            return
        asking = current_goal(self.lesson, self.tutor.progress)
        for exchange in exchanges:
            self.tutor.observe(exchange)
            self._record_ticks()
            self.show(panel.tick_fragments(self.lesson, self.tutor.progress, self.lang))
            self._near_miss()
        self._message_without_goal(exchanges)
        self._ask(asking)
        if self.tutor.complete and not self.finished:
            self._finish()

    def answer(self, given: str) -> None:
        """The learner's ``:answer``: ticked when right; when wrong, the author's words for
        that answer (or "not this one") and a hint; when no question is asked now, which
        step is."""
        asking = current_goal(self.lesson, self.tutor.progress)
        verdict = self.tutor.answer(given).answered
        if verdict is None or not verdict.goal:
            goal = current_goal(self.lesson, self.tutor.progress)
            words = self.lesson.text(self.lang).steps[goal.id].goal if goal else ""
            if goal is None:
                self.say("hint-none")
            else:
                self.say("answer-no-question", "class:code.4xx",
                         index=self.lesson.index(goal.id), goal=words)
            return
        if verdict.right:
            self._record_ticks()
            self.show(panel.tick_fragments(self.lesson, self.tutor.progress, self.lang))
            self._ask(asking)
            if self.tutor.complete and not self.finished:
                self._finish()
            return
        react = reaction_to(self.lesson, verdict, self.lang)
        self.show([("class:code.4xx", (react or say("answer-wrong", self.lang)) + "\n")])
        if self.tutor.progress.hints_shown(verdict.goal) == 0:
            self._hint()  # the first hint, once: later ones are :hint's to give

    def _record_ticks(self) -> None:
        """The steps just met, with the hints shown for each, into the saved progress (a
        teacher's ``learn export`` reads them)."""
        if self.store is None:
            return
        progress = self.tutor.progress
        for goal_id in progress.ticked:
            error = self.store.step_done(self.lesson.id, goal_id, progress.hints_shown(goal_id))
            if error:
                self.say("progress-unsaved", error=error)
                return

    def _ask(self, before: Goal | None) -> None:
        """A quiz step just became the current one: its question, and how to answer."""
        goal = current_goal(self.lesson, self.tutor.progress)
        if goal is None or goal.quiz is None or goal == before:
            return
        self.show(panel.question_fragments(self.lesson, goal, self.lang))

    def _near_miss(self) -> None:
        """A reply of the kind the step waits for that did not count: say why, and what would."""
        near = self.tutor.progress.near
        if near is not None:
            self.show([("class:code.4xx", near_note(self.lesson, near, self.lang) + "\n")])

    def _message_without_goal(self, exchanges: tuple[Exchange, ...]) -> None:
        """A message was accepted but the step waiting for one is still open: say so, or
        the learner reads the 250 as success and wonders why nothing was ticked."""
        progress = self.tutor.progress
        goal = current_goal(self.lesson, progress)
        if (goal is None or goal.check.message is None or progress.ticked
                or progress.near is not None  # its one sentence said why already
                or not any(exchange.message is not None for exchange in exchanges)):
            return
        index = self.lesson.goals.index(goal) + 1
        self.say("accepted-not-goal", "class:code.4xx", index=index,
                 goal=self.lesson.text(self.lang).steps[goal.id].goal)

    def _finish(self) -> None:
        self.finished = True
        progress = self.tutor.progress
        self.show([("", "\n"), *panel.summary_fragments(self.lesson, progress, self.lang)])
        upcoming = panel.next_lesson(self.course, self.lesson)
        done: Iterable[str] = ()
        if self.store is not None:
            error = self.store.mark_done(self.lesson.id, progress.hints_used,
                                         upcoming.id if upcoming else None)
            if error:
                self.say("progress-unsaved", error=error)
            done = self.store.load().done
        self.show(panel.next_fragments(self.course, self.lesson, self.lang,
                                       piped=not self.interactive, done=done))

    # -- the lesson's commands ---------------------------------------------------------------

    def command(self, name: str, argument: str) -> Action | None:
        """``:goal``, ``:hint``, ``:skip``, ``:lessons [ID]``; None for any other name."""
        if name == ":goal":
            self.show(panel.goal_panel(self.lesson, self.tutor.progress, self.lang))
        elif name == ":hint":
            self._hint()
        elif name == ":skip":
            self.say("skipped", number=self.lesson.place)
            return Action.NEXT
        elif name == ":lessons":
            return self._lessons(argument)
        else:
            return None
        return Action.CONTINUE

    def _hint(self) -> None:
        goal = current_goal(self.lesson, self.tutor.progress)
        if goal is None:
            self.say("hint-none")
            return
        levels = len(self.lesson.text(self.lang).steps[goal.id].hints)
        react = reaction(self.lesson, goal.id, self.tutor.progress, self.lang)
        if react is not None:
            self.show([("class:title", react + "\n")])
        self.tutor.progress = with_hint(self.tutor.progress, goal.id, levels)
        self.show(panel.hint_fragments(self.lesson, goal.id,
                                       self.tutor.progress.hints_shown(goal.id), self.lang))

    def _lessons(self, argument: str) -> Action:
        if argument:
            target = self.course.find(argument)
            if target is not None:
                self.switch_to = target
                return Action.SWITCH
        done = self.store.load().done if self.store is not None else {}
        self.show(panel.list_fragments(self.course, done, self.lesson.id, self.lang))
        return Action.CONTINUE

    def missing(self) -> tuple[str, ...]:
        from simulator.lessons.course import missing_goals

        return tuple(goal.id for goal in missing_goals(self.lesson, self.tutor.progress))

    def step_line(self) -> str:
        """``3/3 221 End the session politely...``: the step, the reply code it waits for
        (first, so a narrow toolbar cuts the words, not the code), its goal; ✓ when every
        step is met (the toolbar)."""
        goal = current_goal(self.lesson, self.tutor.progress)
        if goal is None:
            return "✓"
        index = self.lesson.goals.index(goal) + 1
        code = "" if goal.check.code is None else f" {goal.check.code}"
        words = self.lesson.text(self.lang).steps[goal.id].goal
        return f"{index}/{len(self.lesson.goals)}{code} {words}"

    def say(self, key: str, style: str = "class:dim", /, **fields: object) -> None:
        self.show([(style, say(key, self.lang, **fields) + "\n")])
