"""A lesson in the console: the console's :class:`~simulator.faces.shell.guide.Guide` for it.

The console does all it always does (real sessions on trio, STARTTLS over real TLS, ``:help``,
``:detail``, ``:lang`` saved, ``:save``...); the guide shows the goal panel before the
greeting, ticks goals from every reply the console shows, answers the lesson's commands, and
puts the lesson and its current step on the toolbar.
"""

from __future__ import annotations

from typing import Final

from simulator.client.connection import Step
from simulator.faces.prompt.spec import MetaSpec
from simulator.faces.shell.screen import Fragments, Screen
from simulator.lessons.course import Course, Lesson
from simulator.lessons.course.quiz import answer_text
from simulator.lessons.course.words import say
from simulator.protocol.escape import show_typed

from .coach import Action, Coach
from .progress import ProgressStore

SPECS: Final[tuple[MetaSpec, ...]] = (
    MetaSpec("goal", ":goal"),
    MetaSpec("hint", ":hint"),
    MetaSpec("restart", ":restart"),
    MetaSpec("skip", ":skip"),
    MetaSpec("lessons", ":lessons [ID]", 0, 1),
    MetaSpec("answer", ":answer TEXT", 1, 1),
)
"""The lesson's own commands, beside the console's."""
_NAMES: Final = {f":{spec.name}": spec for spec in SPECS}


class LessonGuide:
    """One attempt at one lesson, in one console run; :attr:`action` says what comes next."""

    specs: Final = SPECS

    def __init__(self, course: Course, lesson: Lesson, *, store: ProgressStore | None,
                 lang: str, interactive: bool = True) -> None:
        self.course, self.lesson, self.store = course, lesson, store
        self.interactive = interactive
        """False for a lesson played from a script: the closing words say how to go on
        from a shell, not "press Enter"."""
        self.coach: Coach | None = None
        self._lang = lang
        self.action = Action.QUIT
        """Why the console was left: QUIT unless a lesson command said otherwise."""

    @property
    def complete(self) -> bool:
        """Every step of the lesson is met."""
        return self.coach is not None and self.coach.finished

    @property
    def done(self) -> bool:
        """The lesson is complete and another follows: Enter starts it. After the last
        lesson Enter stays the console's (the summary says how to leave)."""
        return self.complete and self.has_next

    @property
    def has_next(self) -> bool:
        """Whether a lesson follows this one (after the last, Enter is an ordinary line)."""
        from .panel import next_lesson

        return next_lesson(self.course, self.lesson) is not None

    @property
    def switch_to(self) -> Lesson | None:
        return None if self.coach is None else self.coach.switch_to

    def help_text(self, name: str, lang: str) -> str:
        return say(f"help-{name}", lang)

    def _coach(self, screen: Screen) -> Coach:
        if self.coach is None:
            self.coach = Coach(self.course, self.lesson, screen.lang, screen.show, store=self.store,
                               interactive=self.interactive)
        self.coach.lang = screen.lang  # :lang may have changed it
        return self.coach

    def begin(self, screen: Screen) -> None:
        self._coach(screen).begin()

    def observe(self, screen: Screen, step: Step) -> None:
        exchanges = [answer.exchange for answer in step.answers if answer.exchange is not None]
        self._coach(screen).after(exchanges)

    def handle(self, screen: Screen, line: str) -> bool | None:
        coach = self._coach(screen)
        if not line.strip() and self.done and not screen.in_data:
            self.action = Action.NEXT  # "Press Enter to start it"
            return True
        name, _, argument = line.strip().partition(" ")
        spec = _NAMES.get(name.lower()) if line.lstrip().startswith(":") else None
        if spec is None:
            return None
        argument = argument.strip()
        if spec.name == "answer":  # TEXT is the rest of the line: "550 5.1.1", "no retry"
            return self._answer(screen, coach, line)
        if (argument and spec.max_args == 0) or " " in argument:
            screen.say("usage", "class:code.5xx", usage=spec.usage)
            return False
        prompt = "data> " if screen.in_data else "smtp> "  # the erased prompt, kept visible
        screen.show([("class:dim", f"{prompt}{show_typed(line.strip())}\n")])
        if spec.name == "restart":
            coach.say("restarted")
            self.action = Action.RESTART
            return True
        action = coach.command(f":{spec.name}", argument)
        if action is None or action is Action.CONTINUE:
            return False
        self.action = action
        return True

    def _answer(self, screen: Screen, coach: Coach, line: str) -> bool:
        given = answer_text(line) or ""
        if not given:
            screen.say("usage", "class:code.5xx", usage=":answer TEXT")
            return False
        prompt = "data> " if screen.in_data else "smtp> "
        screen.show([("class:dim", f"{prompt}{show_typed(line.strip())}\n")])
        coach.answer(given)
        return False

    def toolbar(self, screen: Screen, width: int) -> Fragments:
        """`` Lesson 3: title · 2/4 the current step``, cut to ``width`` columns; once the
        lesson is done, what Enter does."""
        from simulator.render.wrap import text_width

        coach = self._coach(screen)
        heading = say("lesson-heading", screen.lang, number=self.lesson.place,
                      title=self.lesson.text(screen.lang).title)
        after = say("bar-next" if self.has_next else "bar-last", screen.lang)
        step = after if coach.finished else coach.step_line()
        if text_width(f" {heading} · {step}") > width - 1:  # the title gives way first
            heading = say("bar-lesson", screen.lang, number=self.lesson.place)
        room = width - 1 - text_width(f" {heading} · ")
        while step and text_width(step) > room:
            step = step[:-2] + "…"
        return [("class:toolbar.value", f" {heading} "), ("", f"· {step}")]
