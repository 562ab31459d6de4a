"""A lesson played from a script (``smtp-sim learn ID < script``): lines in, transcript out.

The lines go to the engine through the course's :class:`LessonRun`, on the lesson's own
clock (a ``:pause 21`` passes an idle timeout at once, so scripts and ``lessons check`` are
quick and repeatable); each reply is shown with its explanation as the console shows it, and
the :class:`Coach` ticks the goals, answers the lesson commands and saves progress. The
interactive lesson runs in the console instead (``app.py``, ``guide.py``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from simulator.client import Answer, Step, explain
from simulator.lessons.course import Course, Lesson, LessonRun, Outcome
from simulator.lessons.course.script import (
    Narrate,
    Pause,
    Reconnect,
    ScriptError,
    Send,
    SetEol,
    parse_directive,
)
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

from .coach import Action, Coach, Show
from .progress import ProgressStore
from .tools import TOOL_COMMANDS, save_transcript, tool_fragments

Fragments = list[tuple[str, str]]
LESSON_COMMANDS = (":goal", ":hint", ":restart", ":skip", ":lessons", ":help", ":lang", ":quit",
                   ":raw", ":save", *TOOL_COMMANDS)
MAX_STEPS = 2000
SCRIPT_COMMANDS = (":eol", ":pause", ":reconnect")

__all__ = ["LESSON_COMMANDS", "SCRIPT_COMMANDS", "Action", "LessonScreen", "Show", "as_step"]


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

    def __post_init__(self) -> None:
        self.run = LessonRun(self.lesson)
        self.coach = Coach(self.course, self.lesson, self.lang, self.show, store=self.store,
                           tutor=self.run.tutor)
        self.raw = False
        self.steps: deque[Step] = deque(maxlen=MAX_STEPS)
        """What :save writes (the latest :data:`MAX_STEPS` steps)."""

    @property
    def finished(self) -> bool:
        return self.coach.finished

    # -- starting ----------------------------------------------------------------------------

    def begin(self) -> None:
        """The goal panel, then the server's greeting (which may tick a step)."""
        self.coach.begin()
        self._show_exchanges(None, self.run.greeting, State.CONNECTED)

    # -- one line ----------------------------------------------------------------------------

    def handle(self, line: str) -> Action:
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
        if isinstance(directive, Send) and self.run.closed:
            self._say("closed-not-sent", style="class:code.4xx")
            return Action.CONTINUE
        self._show_outcome(self.run.apply(directive))
        return Action.CONTINUE

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
        self.coach.after(exchanges)
        if exchanges and self.run.closed and not self.run.complete:
            self._say("closed", style="class:code.4xx")

    # -- lesson commands ---------------------------------------------------------------------

    def _command(self, name: str, argument: str) -> Action:
        self.coach.lang = self.lang
        if name == ":quit":
            return Action.QUIT
        if name in TOOL_COMMANDS:
            self.show(tool_fragments(name, argument, self.run, self.lang))
        elif name == ":raw":
            self.raw = argument != "off" if argument else not self.raw
            self._say("raw-on" if self.raw else "raw-off")
        elif name == ":save":
            key, style, fields = save_transcript(argument, list(self.steps), self.lesson,
                                                 self.lang)
            self._say(key, style, **fields)
        elif name == ":restart":
            self.run = LessonRun(self.lesson)
            self.coach = Coach(self.course, self.lesson, self.lang, self.show,
                               store=self.store, tutor=self.run.tutor)
            self._say("restarted")
            self.begin()
        elif name == ":lang" and argument in self.lesson.texts:
            self.lang = self.coach.lang = argument
            self.coach.command(":goal", "")
        else:
            action = self.coach.command(name, argument)
            if action is None:
                self._say("help")
            return action or Action.CONTINUE
        return Action.CONTINUE

    def _say(self, key: str, style: str = "class:dim", /, **fields: object) -> None:
        self.show([(style, say(key, self.lang, **fields) + "\n")])

    @property
    def switch_to(self) -> Lesson | None:
        return self.coach.switch_to

    def missing(self) -> tuple[str, ...]:
        return self.coach.missing()
