"""One lesson being worked through: lines in, transcript and ticks out (no prompt_toolkit).

The interactive lesson (``app.py``) and the piped one (``piped.py``) both feed lines to a
:class:`LessonScreen`; it sends them to the engine through the course's :class:`LessonRun`,
shows each reply with its explanation exactly as the console does, ticks the goals the tutor
reports, answers the lesson commands (``:goal``, ``:hint``...), and saves progress when the
last step is met.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from simulator.client import Answer, Step, explain
from simulator.lessons.course import Course, Lesson, LessonRun, Outcome, current_goal
from simulator.lessons.course.script import (
    Narrate,
    Pause,
    Reconnect,
    ScriptError,
    Send,
    SetEol,
    parse_directive,
)
from simulator.lessons.course.tutor import with_hint
from simulator.lessons.course.words import say
from simulator.protocol import Exchange, State
from simulator.protocol.escape import show_text
from simulator.protocol.events import Then
from simulator.render.transcript import (
    answer_fragments,
    explanation_fragments,
    notice_fragments,
    sent_fragments,
)

from . import panel
from .progress import ProgressStore
from .tools import TOOL_COMMANDS, save_transcript, tool_fragments

Fragments = list[tuple[str, str]]
LESSON_COMMANDS = (":goal", ":hint", ":restart", ":skip", ":lessons", ":help", ":lang", ":quit",
                   ":raw", ":save", *TOOL_COMMANDS)
MAX_STEPS = 2000
SCRIPT_COMMANDS = (":eol", ":pause", ":reconnect")


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
    """Start :attr:`LessonScreen.switch_to` (``:lessons ID``)."""
    QUIT = "quit"


def as_step(sent: bytes | None, exchanges: tuple[Exchange, ...], before: State) -> Step:
    """The engine's Exchanges as the client side sees them (for the shared transcript)."""
    answers = tuple(Answer(b"" if exchange.hang_up else exchange.reply.to_bytes(),
                           exchange.reply.code,
                           exchange.reply.enhanced, exchange.reply.lines,
                           exchange.then is Then.CLOSE,
                           exchange) for exchange in exchanges)
    return Step(sent, answers, before)


@dataclass
class LessonScreen:
    course: Course
    lesson: Lesson
    lang: str
    show: Show
    store: ProgressStore | None = None
    interactive: bool = False
    clock: Callable[[], float] | None = None
    """Seconds, monotonic (interactive only): real idle time passes on the lesson clock."""

    def __post_init__(self) -> None:
        self.run = LessonRun(self.lesson)
        self.finished = False
        self.switch_to: Lesson | None = None
        self.raw = False
        self.steps: deque[Step] = deque(maxlen=MAX_STEPS)
        """What :save writes (the latest :data:`MAX_STEPS` steps)."""
        self._last = self.clock() if self.clock else 0.0

    # -- starting ----------------------------------------------------------------------------

    def begin(self) -> None:
        """The goal panel, then the server's greeting (which may tick a step)."""
        if self.store is not None:
            self.store.set_current(self.lesson.id)
        self.show(panel.goal_panel(self.lesson, self.run.progress, self.lang))
        self._show_exchanges(None, self.run.greeting, State.CONNECTED)

    # -- one line ----------------------------------------------------------------------------

    def handle(self, line: str) -> Action:
        if self.finished and self.interactive and not line.strip() and not self.run.in_data:
            return Action.NEXT
        name, _, argument = line.strip().partition(" ")
        if line.startswith(":") and name in LESSON_COMMANDS:
            return self._command(name, argument.strip())
        if line.startswith(":") and name not in SCRIPT_COMMANDS and not self.run.in_data:
            self._say("unknown-meta", name=show_text(name, limit=40),
                      names=" ".join((*LESSON_COMMANDS, *SCRIPT_COMMANDS)))
            return Action.CONTINUE
        try:
            directive = parse_directive(line, in_data=self.run.in_data)
        except ScriptError as err:
            self._say(err.key, "class:code.5xx", argument=show_text(err.argument, limit=40))
            return Action.CONTINUE
        self._pass_real_time()
        if isinstance(directive, Send) and self.run.closed:
            self._say("closed-not-sent", style="class:code.4xx")
            return Action.CONTINUE
        self._show_outcome(self.run.apply(directive))
        return Action.CONTINUE

    def _pass_real_time(self) -> None:
        """Interactive: the time the learner spent idle passes on the lesson clock, so an
        idle timeout the server would have enforced meanwhile shows up now."""
        if self.clock is None:
            return
        now = self.clock()
        gap, self._last = now - self._last, now
        if gap > 0:
            exchanges = self.run.wait(gap)
            if exchanges:
                self._show_exchanges(None, exchanges, State.GREETED)

    def _show_outcome(self, outcome: Outcome) -> None:
        match outcome.directive:
            case Narrate(text=text):
                self.show([("class:dim", say("narration", self.lang, text=show_text(text))
                             + "\n")])
            case SetEol(eol=eol):
                self._say("eol-lf" if eol == "lf" else "eol-crlf")
            case Pause(seconds=seconds):
                self._say("paused", seconds=f"{seconds:g}")
            case Reconnect() | Send():
                pass
        if outcome.sent is not None or outcome.exchanges:
            self._show_exchanges(outcome.sent, outcome.exchanges, outcome.state_before)

    def _show_exchanges(self, sent: bytes | None, exchanges: tuple[Exchange, ...],
                        before: State) -> None:
        step = as_step(sent, exchanges, before)
        self.steps.append(step)
        if step.sent is not None:
            self.show(sent_fragments(step.sent, raw=self.raw), wrap=False)
        for answer in step.answers:
            self.show(notice_fragments(answer, self.lang))  # a scenario's delay or hang-up
            self.show(answer_fragments(answer, raw=self.raw), wrap=False)
            self.show(explanation_fragments(explain(answer, self.lang)))
        progress = self.run.progress
        if exchanges:
            self.show(panel.tick_fragments(self.lesson, progress, self.lang))
            self._message_without_goal(exchanges)
        if exchanges and self.run.closed and not self.run.complete:
            self._say("closed", style="class:code.4xx")
        if self.run.complete and not self.finished:
            self._finish()

    def _message_without_goal(self, exchanges: tuple[Exchange, ...]) -> None:
        """A message was accepted but the step waiting for one is still open: say so, or
        the learner reads the 250 as success and wonders why nothing was ticked."""
        goal = current_goal(self.lesson, self.run.progress)
        if (goal is None or goal.check.message is None or self.run.progress.ticked
                or not any(exchange.message is not None for exchange in exchanges)):
            return
        index = self.lesson.goals.index(goal) + 1
        self._say("accepted-not-goal", "class:code.4xx", index=index,
                  goal=self.lesson.text(self.lang).steps[goal.id].goal)

    def _finish(self) -> None:
        self.finished = True
        progress = self.run.progress
        self.show([("", "\n"), *panel.summary_fragments(self.lesson, progress, self.lang)])
        upcoming = panel.next_lesson(self.course, self.lesson)
        if self.store is not None:
            error = self.store.mark_done(self.lesson.id, progress.hints_used,
                                         upcoming.id if upcoming else None)
            if error:
                self._say("progress-unsaved", error=error)
        self.show(panel.next_fragments(self.course, self.lesson, self.lang,
                                       piped=not self.interactive))

    # -- lesson commands ---------------------------------------------------------------------

    def _command(self, name: str, argument: str) -> Action:
        if name == ":quit":
            return Action.QUIT
        if name == ":skip":
            self._say("skipped", number=self.lesson.number)
            return Action.NEXT
        if name == ":lessons":
            return self._lessons(argument)
        if name in TOOL_COMMANDS:
            self.show(tool_fragments(name, argument, self.run, self.lang))
            return Action.CONTINUE
        if name == ":raw":
            self.raw = argument != "off" if argument else not self.raw
            self._say("raw-on" if self.raw else "raw-off")
            return Action.CONTINUE
        if name == ":save":
            key, style, fields = save_transcript(argument, list(self.steps), self.lesson,
                                                 self.lang)
            self._say(key, style, **fields)
            return Action.CONTINUE
        if name == ":restart":
            self.run = LessonRun(self.lesson)
            self.finished = False
            self._say("restarted")
            self.begin()
        elif name == ":hint":
            self._hint()
        elif name == ":lang" and argument in self.lesson.texts:
            self.lang = argument
            self.show(panel.goal_panel(self.lesson, self.run.progress, self.lang))
        elif name == ":goal":
            self.show(panel.goal_panel(self.lesson, self.run.progress, self.lang))
        else:
            self._say("help")
        return Action.CONTINUE

    def _hint(self) -> None:
        goal = current_goal(self.lesson, self.run.progress)
        if goal is None:
            self._say("hint-none")
            return
        levels = len(self.lesson.text(self.lang).steps[goal.id].hints)
        progress = with_hint(self.run.progress, goal.id, levels)
        self.run.tutor.progress = progress
        self.show(panel.hint_fragments(self.lesson, goal.id, progress.hints_shown(goal.id),
                                       self.lang))

    def _lessons(self, argument: str) -> Action:
        if argument:
            target = self.course.find(argument)
            if target is not None:
                self.switch_to = target
                return Action.SWITCH
        done = self.store.load().done if self.store is not None else {}
        self.show(panel.list_fragments(self.course, done, self.lesson.id, self.lang))
        return Action.CONTINUE

    def _say(self, key: str, style: str = "class:dim", /, **fields: object) -> None:
        self.show([(style, say(key, self.lang, **fields) + "\n")])

    # -- the end -----------------------------------------------------------------------------

    def missing(self) -> tuple[str, ...]:
        from simulator.lessons.course import missing_goals

        return tuple(goal.id for goal in missing_goals(self.lesson, self.run.progress))
