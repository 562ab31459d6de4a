"""A lesson on the console's road: its server, and its script played on a virtual clock.

Typed (``smtp-sim learn``), piped (``learn ID < script``) or replayed (``lessons check``), a
lesson's lines go through the same :class:`ConsoleContext`, the same built-in connection
(``LocalConnection`` over ``serve_stream``, STARTTLS with a real handshake) and the same
server, set up by :func:`lesson_context`. Only the clock differs where time must pass quickly:
a script runs on trio's :class:`~trio.testing.MockClock` with autojump, so ``:pause 21`` passes
at once and an idle timeout fires on that clock. (Autojump is safe there: a script has no
prompt thread, and the server does nothing in threads.)
"""

from __future__ import annotations

import functools
import io
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO, TypeVar

import trio
import trio.testing

from simulator.client.connection import Step
from simulator.faces.prompt.spec import MetaSpec
from simulator.lessons.course import Lesson, Replayed, Tutor
from simulator.lessons.course.quiz import answer_text
from simulator.lessons.course.setup import policy_for
from simulator.lessons.ui import text
from simulator.protocol import Exchange
from simulator.protocol.escape import show_text

from .context import ConsoleContext
from .detail import Explaining
from .guide import Guide
from .labcert import certificate_for
from .lines import handle_line, open_console
from .link import ConsoleSettings
from .screen import Fragments, Screen

T = TypeVar("T")
MAX_KEPT = 2000
"""Exchanges a replay keeps (a script of any length stays bounded)."""

_policy = functools.lru_cache(maxsize=32)(policy_for)
"""A lesson's policy, made once a process (immutable; the scenario file is read once)."""


def lesson_settings(lesson: Lesson, *, lang: str, color: bool = False,
                    wrap: bool = False) -> ConsoleSettings:
    """The console's settings for ``lesson``: its built-in server is the one the lesson sets
    up (scenario, limits, STARTTLS with a generated certificate, idle timeout)."""
    setup = lesson.setup
    policy = _policy(setup)
    security = None
    if setup.tls is not None:
        security = certificate_for(policy)
    return ConsoleSettings(lang=lang, color=color, wrap=wrap, policy=policy,
                           security=security, idle_timeout=setup.idle_timeout)


def lesson_context(lesson: Lesson, guide: Guide | None, *, lang: str, out: TextIO,
                   color: bool = False, wrap: bool = False) -> ConsoleContext:
    """A console context whose built-in server is the one ``lesson`` sets up, explaining as
    the lesson says (its ``detail``: the capstone starts with none)."""
    return ConsoleContext(lesson_settings(lesson, lang=lang, color=color, wrap=wrap), out,
                          guide=guide, told=Explaining(detail=lesson.setup.detail or "auto"))


def on_virtual_clock(play: Callable[[], Awaitable[T]]) -> T:
    """Run ``play`` under trio on a clock that jumps over every wait at once."""
    return trio.run(play, clock=trio.testing.MockClock(autojump_threshold=0))


async def play_script(ctx: ConsoleContext, lines: Iterable[str]) -> bool:
    """The greeting, then each line as if typed at the console (``# text`` is narration,
    shown, never sent); True when a line left the console (``:quit``, a guide's command).
    The session is closed at the end without a QUIT: the script did not type one."""
    try:
        if not await open_console(ctx):
            return False
        for line in lines:
            if line.strip().startswith("#"):
                ctx.show([("class:dim", text("learn.narration", ctx.lang,
                                             text=show_text(line.strip()[1:].strip())) + "\n")])
            elif await handle_line(ctx, line):
                return True
        return False
    finally:
        await ctx.close()


@dataclass
class Recorder:
    """A guide that only watches: every Exchange the console shows goes to the lesson's tutor
    (the same :meth:`Tutor.observe` the interactive lesson's coach calls)."""

    tutor: Tutor
    exchanges: list[Exchange] = field(default_factory=list)
    specs: tuple[MetaSpec, ...] = (MetaSpec("answer", ":answer TEXT", 1, 1),)
    done: bool = False

    def help_text(self, name: str, lang: str) -> str:
        return name

    def begin(self, screen: Screen) -> None:
        return None

    def observe(self, screen: Screen, step: Step) -> None:
        for answer in step.answers:
            if answer.exchange is not None:
                self.tutor.observe(answer.exchange)
                if len(self.exchanges) < MAX_KEPT:
                    self.exchanges.append(answer.exchange)

    def handle(self, screen: Screen, line: str) -> bool | None:
        given = answer_text(line)  # a quiz step's answer: the same road as the learner's
        if given is None:
            return None
        self.tutor.answer(given)
        return False

    def toolbar(self, screen: Screen, width: int) -> Fragments:
        return []


def replay(lesson: Lesson, lines: Sequence[str], *, lang: str = "en",
           out: TextIO | None = None) -> Replayed:
    """Play ``lines`` through a fresh run of ``lesson`` on the learner's road; what the
    tutor made of it and the server's Exchanges. The transcript goes to ``out`` (by default
    nowhere: ``lessons check`` reads only the result)."""
    recorder = Recorder(Tutor(lesson))
    ctx = lesson_context(lesson, recorder, lang=lang, out=out or io.StringIO())
    on_virtual_clock(lambda: play_script(ctx, lines))
    return Replayed(recorder.tutor.progress, tuple(recorder.exchanges))
