"""Run a lesson against the engine, in memory and on the lesson's own clock.

The same :class:`LessonRun` drives ``lessons check`` (the reference solution and the wrong
attempts), the piped ``smtp-sim learn`` and the interactive lesson: each fed line gives the
Exchanges the server produced and the tutor's progress after them. Time is handed in: a
``:pause`` advances the lesson clock, and an idle timeout the clock passes closes the session
with the engine's own 421 4.4.2.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from simulator.protocol import Exchange, Policy, Session, State
from simulator.protocol.events import Then
from simulator.protocol.memory import Memory

from .model import Lesson, Setup
from .script import EOLS, Directive, Narrate, Pause, Reconnect, Send, SetEol
from .tutor import Progress, Tutor

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
MAX_KEPT = 2000
"""Exchanges a run keeps for :more and :mailbox: a learner typing for hours stays bounded."""


LESSON_SEED = 1
"""The scenario's seed: a lesson plays the same way every time."""


def policy_for(setup: Setup) -> Policy:
    """The engine's policy for a lesson's setup (only what the engine supports)."""
    from simulator.protocol.auth import Account

    from ..scenarios import from_options

    base = Policy()
    scenario = from_options(setup.scenario, greylist_delay=setup.greylist_delay,
                            seed=LESSON_SEED)
    return Policy(
        max_message_size=setup.max_size or base.max_message_size,
        max_recipients=setup.max_recipients or base.max_recipients,
        accept_bare_lf=setup.accept_bare_lf,
        scenario=scenario,
        tls=setup.tls is not None, require_tls=setup.tls == "required",
        auth=bool(setup.auth),
        accounts=tuple(Account(user, password) for user, password in setup.auth)
        or base.accounts,
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one directive did: the bytes sent (None for none) and the server's Exchanges."""

    directive: Directive
    sent: bytes | None
    exchanges: tuple[Exchange, ...]
    state_before: State
    progress: Progress


class LessonRun:
    """One learner (or one script) working through one lesson."""

    def __init__(self, lesson: Lesson, progress: Progress | None = None) -> None:
        self.lesson = lesson
        self.tutor = Tutor(lesson, progress)
        self.policy = policy_for(lesson.setup)
        self.eol = "crlf"
        self.sessions = 0
        self.elapsed = 0.0
        self._idle = 0.0
        self.memory = Memory()
        """Greylisting and rate limits, carried from one session of the lesson to the next."""
        self.exchanges: deque[Exchange] = deque(maxlen=MAX_KEPT)
        """The Exchanges of the run, in order, the latest :data:`MAX_KEPT` of them."""
        self.session = self._new_session()
        self.greeting = self._observe_all([self.session.greeting()])

    def _new_session(self) -> Session:
        self.sessions += 1
        self._idle = 0.0
        return Session(self.policy, peer="127.0.0.1", session_id=f"L{self.sessions}",
                       clock=lambda: EPOCH + datetime.timedelta(seconds=self.elapsed),
                       memory=self.memory, timer=lambda: self.elapsed)

    def _observe_all(self, exchanges: Iterable[Exchange]) -> tuple[Exchange, ...]:
        out = tuple(exchanges)
        self.exchanges += out
        for exchange in out:
            self.elapsed += exchange.delay  # a scenario rule made the server wait
            self.tutor.observe(exchange)
            if exchange.then is Then.START_TLS:
                # In a lesson the handshake is taken as done at once: the engine starts the
                # session over exactly as after a real one (RFC 3207 §4.2).
                self.session.tls_started()
        return out

    @property
    def closed(self) -> bool:
        return self.session.closed

    @property
    def in_data(self) -> bool:
        return self.session.state is State.DATA

    def apply(self, directive: Directive) -> Outcome:
        """Do one directive; a send to a closed session sends nothing."""
        before = self.session.state
        sent: bytes | None = None
        exchanges: tuple[Exchange, ...] = ()
        match directive:
            case Send(text=text):
                if not self.closed:
                    sent = text.encode("utf-8", "surrogateescape") + EOLS[self.eol]
                    self._idle = 0.0
                    exchanges = self._observe_all(self.session.receive_data(sent))
            case SetEol(eol=eol):
                self.eol = eol
            case Pause(seconds=seconds):
                exchanges = self.wait(seconds)
            case Reconnect():
                self.session = self._new_session()
                exchanges = self._observe_all([self.session.greeting()])
            case Narrate():
                pass
        return Outcome(directive, sent, exchanges, before, self.tutor.progress)

    def wait(self, seconds: float) -> tuple[Exchange, ...]:
        """Let ``seconds`` pass; an idle timeout they cross closes the session (421 4.4.2)."""
        self.elapsed += seconds
        self._idle += seconds
        timeout = self.lesson.setup.idle_timeout
        if timeout is not None and self._idle >= timeout and not self.closed:
            return self._observe_all([self.session.timeout()])
        return ()

    @property
    def progress(self) -> Progress:
        return self.tutor.progress

    @property
    def complete(self) -> bool:
        return self.tutor.complete


def replay(lesson: Lesson, lines: Iterable[str]) -> LessonRun:
    """Play ``lines`` (a script) through a fresh run of ``lesson``; the finished run.

    Raises ScriptError for a badly written directive.
    """
    from .script import parse_directive

    run = LessonRun(lesson)
    for line in lines:
        run.apply(parse_directive(line, in_data=run.in_data))
    return run
