"""The interactive lesson: each lesson runs in the real console, with a guide beside it.

For every lesson the console gets a fresh built-in server set up as the lesson asks (its
scenario, limits, STARTTLS with a generated certificate, AUTH accounts, idle timeout), so
everything the console does works in a lesson too; the :class:`LessonGuide` adds the goal
panel, the ticks and the lesson's commands. Lessons follow one another until ``:quit``,
Ctrl-D or the end of the course.
"""

from __future__ import annotations

import sys
from typing import Final, TextIO

import trio
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output

from simulator.faces.shell.app import Console
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.course import lesson_settings
from simulator.faces.shell.detail import Explaining
from simulator.lessons.course import Course, Lesson

from . import panel
from .coach import Action
from .guide import LessonGuide
from .progress import ProgressStore

HISTORY_FILE: Final = "learn-history"


def _history() -> History:
    """The lesson prompt's own history file in the data directory (in memory if unwritable)."""
    from simulator.client.home import data_dir, history_file

    try:
        directory = data_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return FileHistory(str(history_file(directory / HISTORY_FILE)))
    except OSError:
        return InMemoryHistory()


class LessonApp:
    """Lessons one after another, each in its own console run."""

    def __init__(self, course: Course, lesson: Lesson, *, lang: str, store: ProgressStore,
                 out: TextIO, color: bool = False, wrap: bool = False,
                 input: Input | None = None, output: Output | None = None,
                 history: History | None = None) -> None:
        self.course, self.lesson, self.lang, self.store = course, lesson, lang, store
        self.out, self.color, self.wrap = out, color, wrap
        self.input, self.output = input, output
        self.history = history if history is not None else _history()
        self.told = Explaining()
        """What the console explained so far, in any lesson: a reply explained in full once
        stays brief in the lessons after, and ``:detail`` stays as set."""
        self.ctx: ConsoleContext | None = None
        """The lesson under way's console (tests read its steps)."""

    async def run(self) -> int:
        lesson: Lesson | None = self.lesson
        own_detail = self.told.detail  # the learner's :detail (a lesson's own does not last)
        setup_detail: str | None = None  # the :detail the previous lesson set, if it did
        while lesson is not None:
            guide = LessonGuide(self.course, lesson, store=self.store, lang=self.lang)
            if lesson.setup.detail:  # this lesson explains as it says (the capstone: none)
                own_detail = own_detail if setup_detail else self.told.detail
                self.told.detail = lesson.setup.detail
            elif setup_detail:  # the previous lesson's :detail was its own: the learner's again
                self.told.detail = own_detail
            settings = lesson_settings(lesson, lang=self.lang, color=self.color, wrap=self.wrap)
            console = Console(settings, self.out, guide=guide, told=self.told,
                              input=self.input, output=self.output, history=self.history)
            self.ctx = console.ctx
            status = await console.run()
            setup_detail = lesson.setup.detail
            self.lang = console.ctx.lang  # :lang in a lesson carries over (and is saved)
            if status != 0 or guide.action is Action.QUIT:
                return status
            if guide.action is Action.SWITCH:
                lesson = guide.switch_to
            elif guide.action is not Action.RESTART:
                lesson = panel.next_lesson(self.course, lesson)
        return 0


def run_interactive(course: Course, lesson: Lesson, *, lang: str, store: ProgressStore,
                    color: bool) -> int:
    app = LessonApp(course, lesson, lang=lang, store=store, out=sys.stdout, color=color,
                    wrap=sys.stdout.isatty())
    status: int = trio.run(app.run)
    return status
