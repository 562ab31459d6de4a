"""The interactive lesson: a prompt_toolkit prompt over a :class:`LessonScreen`.

No trio here: the lesson's server is the engine itself, driven synchronously by the course's
LessonRun, so the prompt runs in the main thread. The bottom toolbar shows the lesson, the
current step and the session state; Ctrl-C clears the line, Ctrl-D (or :quit) leaves.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Final, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style

from simulator.faces.prompt.completion import CompletionContext, SmtpCompleter
from simulator.faces.prompt.lexer import INPUT_STYLE, SmtpLexer
from simulator.faces.prompt.spec import MetaSpec
from simulator.lessons.course import Course, Lesson, current_goal
from simulator.lessons.course.words import say
from simulator.lessons.load import LANGS
from simulator.protocol import State
from simulator.protocol.escape import show_text
from simulator.render import STYLE

from . import panel
from .lesson import LESSON_COMMANDS, SCRIPT_COMMANDS, Action, LessonScreen
from .output import Printer, terminal_width
from .progress import ProgressStore

Fragments = list[tuple[str, str]]
HISTORY_FILE: Final = "learn-history"
PROMPTS: Final = {State.DATA: "data> ", State.CLOSED: "closed> "}
TOOLBAR_STYLE: Final = {"bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
                        "toolbar.value": "bold", "prompt": "bold"}


def _history() -> History:
    """The lesson prompt's own history file in the data directory (in memory if unwritable)."""
    from simulator.client.home import data_dir

    try:
        directory = data_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return FileHistory(str(directory / HISTORY_FILE))
    except OSError:
        return InMemoryHistory()


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _clear(event: KeyPressEvent) -> None:
        event.current_buffer.reset()

    return bindings


LEARN_COMMANDS: Final = (*LESSON_COMMANDS, *SCRIPT_COMMANDS)
LEARN_SPECS: Final = tuple(
    MetaSpec(name[1:], name, choices=LANGS if name == ":lang" else
             ("crlf", "lf") if name == ":eol" else ()) for name in LEARN_COMMANDS)
"""What Tab offers after ``:`` in a lesson."""


class LessonApp:
    """Lessons one after another until :quit, Ctrl-D or the end of the course."""

    def __init__(self, course: Course, lesson: Lesson, *, lang: str, store: ProgressStore,
                 out: TextIO, color: bool = False, wrap: bool = False,
                 input: Input | None = None, output: Output | None = None,
                 history: History | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.course, self.lesson, self.lang, self.store = course, lesson, lang, store
        self.out, self.color, self.wrap, self.clock = out, color, wrap, clock
        self.screen: LessonScreen | None = None
        self.session: PromptSession[str] = PromptSession(
            input=input, output=output, history=history or _history(),
            auto_suggest=AutoSuggestFromHistory(),
            completer=SmtpCompleter(self._completion_context),
            lexer=SmtpLexer(lambda: self._state() is State.DATA, LEARN_COMMANDS),
            bottom_toolbar=self._toolbar, key_bindings=_bindings(),
            style=Style.from_dict({**STYLE, **dict(INPUT_STYLE), **TOOLBAR_STYLE}),
            color_depth=None if color else ColorDepth.DEPTH_1_BIT, erase_when_done=True)

        self.show = Printer(out, color=color, width=terminal_width if wrap else None)

    def _completion_context(self) -> CompletionContext:
        """SMTP as in the console, and the lesson's own ``:`` commands."""
        return CompletionContext(in_data=self._state() is State.DATA, lang=self.lang,
                                 metas=LEARN_SPECS)

    def _state(self) -> State:
        return State.CLOSED if self.screen is None else self.screen.run.session.state

    def _toolbar(self) -> StyleAndTextTuples:
        screen = self.screen
        if screen is None:
            return []
        lesson = screen.lesson
        goal = current_goal(lesson, screen.run.progress)
        heading = say("lesson-heading", screen.lang, number=lesson.number,
                      title=lesson.text(screen.lang).title)
        if goal is None:
            step = "✓"
        else:
            index = lesson.goals.index(goal) + 1
            step = f"{index}/{len(lesson.goals)} {lesson.text(screen.lang).steps[goal.id].goal}"
        return [("class:toolbar.value", f" {heading} "), ("", f"· {step} "),
                ("class:toolbar.value", f"· {self._state().value} ")]

    def _prompt(self) -> StyleAndTextTuples:
        return [("class:prompt", PROMPTS.get(self._state(), "smtp> "))]

    def run(self) -> int:
        lesson: Lesson | None = self.lesson
        while lesson is not None:
            self.screen = LessonScreen(self.course, lesson, self.lang, self.show,
                                       store=self.store, interactive=True, clock=self.clock)
            self.screen.begin()
            action = self._lesson_loop(self.screen)
            self.lang = self.screen.lang
            if action is Action.QUIT:
                return 0
            if action is Action.SWITCH:
                lesson = self.screen.switch_to
            else:
                lesson = panel.next_lesson(self.course, lesson)
        return 0

    def _lesson_loop(self, screen: LessonScreen) -> Action:
        while True:
            try:
                line = self.session.prompt(self._prompt)
            except EOFError:
                return Action.QUIT
            if line.startswith(":") and (not screen.run.in_data
                                         or line.split(" ")[0] in LESSON_COMMANDS):
                # the prompt is erased after Enter: keep a command that was not sent visible
                self.show([("class:dim", PROMPTS.get(self._state(), "smtp> ")
                            + show_text(line) + "\n")])
            action = screen.handle(line)
            if action is not Action.CONTINUE:
                return action


def run_interactive(course: Course, lesson: Lesson, *, lang: str, store: ProgressStore,
                    color: bool) -> int:
    app = LessonApp(course, lesson, lang=lang, store=store, out=sys.stdout, color=color,
                    wrap=sys.stdout.isatty())
    return app.run()
