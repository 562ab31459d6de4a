"""``smtp-sim serve --lesson ID|NUMBER [--course DIR]``: the server a lesson asks for.

The same setup the console's lessons apply (``lessons.course.setup.policy_for``: scenario,
limits, bare-LF tolerance, STARTTLS, AUTH accounts; the idle timeout), with serve's own
hostname and error limits; the command-line options that would set the same things
differently are refused, by name, rather than silently overridden. Each student's steps are
ticked by the course's tutor in the log's thread
(:mod:`simulator.lessons.classmodel.students`); at a QUIT the server asks how many
(:func:`farewell`) and says it in the 221.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

import trio

from simulator.faces.serve.classlog import FarewellAsk
from simulator.lessons.classmodel.model import LessonStep
from simulator.lessons.classmodel.students import Students
from simulator.lessons.classroom import say
from simulator.lessons.course import Lesson, default_course_root, load_course
from simulator.lessons.course.setup import policy_for
from simulator.lessons.scenario_view import start_lines
from simulator.lessons.scenarios import ScenarioError, chosen
from simulator.lessons.ui import option_text
from simulator.options.records import OptionError, ScenarioOptions, ServeOptions
from simulator.protocol import Exchange
from simulator.protocol.escape import show_text
from simulator.protocol.farewell import with_progress
from simulator.protocol.rules import STRICT, Scenario
from simulator.server.secure import Prepared, with_certificate

SET_BY_LESSON: Final[tuple[tuple[str, str, Callable[[ServeOptions], object]], ...]] = (
    ("--scenario", "scenario", lambda o: o.scenario.name),
    ("--greylist-delay", "greylist_delay", lambda o: o.scenario.greylist_delay),
    ("--rate-limit", "rate_limit", lambda o: o.scenario.rate_limit),
    ("--fault-rate", "scenario", lambda o: o.scenario.fault_rate),
    ("--seed", "scenario", lambda o: o.scenario.seed),
    ("--max-size", "max_size", lambda o: o.max_size),
    ("--accept-bare-lf", "accept_bare_lf", lambda o: o.accept_bare_lf),
    ("--tls", "tls", lambda o: o.security.tls),
    ("--tls-port", "tls", lambda o: o.security.tls_port),
    ("--cert", "tls", lambda o: o.security.cert), ("--key", "tls", lambda o: o.security.key),
    ("--auth", "auth", lambda o: o.security.auth), ("--user", "auth", lambda o: o.security.users),
    ("--require-tls", "tls", lambda o: o.security.require_tls),
    ("--require-auth", "auth", lambda o: o.security.require_auth),
    ("--sender-login-match", "sender_login_match", lambda o: o.security.sender_login_match))
"""Options that set what a lesson's ``[setup]`` sets itself (the option, the setup field,
where its record holds it): refused beside --lesson. Every field of
:data:`simulator.lessons.course.setup.SETUP_FIELDS` is here or in :data:`NO_SERVE_OPTION`
(tests/faces/serve/test_lesson.py holds the two lists together)."""

NO_SERVE_OPTION: Final[Mapping[str, str]] = MappingProxyType({
    "max_recipients": "serve has no option for it",
    "required_headers": "serve has no option for it",
    "detail": "the console's :detail, not the server's",
    "idle_timeout": "--timeout always has a value: the lesson's timeout replaces it (main.py)",
})
"""The setup fields no option of serve refuses beside --lesson, and why."""


@dataclass(frozen=True, slots=True)
class LessonServer:
    """The lesson and the server it asks for."""

    lesson: Lesson
    security: Prepared

    def steps(self) -> tuple[LessonStep, ...]:
        """The lesson's steps as the dashboard names them: each goal in every language."""
        texts = self.lesson.texts.items()
        return tuple(LessonStep(goal.id, {lang: text.steps[goal.id].goal for lang, text in texts
                                          if goal.id in text.steps})
                     for goal in self.lesson.goals)

    def students(self) -> Students:
        """Each student's progress through the lesson, for one serve run."""
        return Students(self.lesson)


def lesson_server(options: ServeOptions, lang: str) -> LessonServer | str | None:
    """The lesson ``--lesson`` names and its server; what is wrong, in ``lang``; None when
    serve runs no lesson."""
    wanted, folder = options.lesson, options.course
    if wanted is None:
        return None if folder is None else say(lang, "serve", "lesson-missing")
    for option, _field, given in SET_BY_LESSON:
        if given(options) not in (None, False, ()):
            return say(lang, "serve", "lesson-conflict", lesson=show_text(wanted, limit=40),
                       option=option)
    root = Path(folder) if folder else default_course_root()
    course = load_course(root)
    if course.problems:
        return "\n".join([say(lang, "serve", "lesson-course-problems", root=root),
                          *(f"  {problem}" for problem in course.problems)])
    lesson = course.find(wanted)
    if lesson is None:
        ids = ", ".join(f"{one.place} {one.id}" for one in course.available)
        waiting = course.find(wanted, include_unavailable=True)
        if waiting is not None:
            return say(lang, "serve", "lesson-unavailable", number=waiting.place,
                       id=waiting.id, needs=", ".join(waiting.needs), ids=ids)
        return say(lang, "serve", "lesson-unknown", wanted=show_text(wanted, limit=40),
                   ids=ids)
    try:
        return LessonServer(lesson, _prepared(lesson, options))
    except OptionError as err:
        return option_text(err, lang)


def _prepared(lesson: Lesson, options: ServeOptions) -> Prepared:
    """The lesson's policy (as the console sets it up) with serve's hostname and error
    limits, and a generated certificate when it offers STARTTLS."""
    policy = policy_for(lesson.setup)
    policy = dataclasses.replace(
        policy, hostname=options.hostname or policy.hostname,
        soft_error_limit=options.errors.soft_error_limit, error_sleep=options.errors.error_sleep,
        junk_command_limit=options.junk_command_limit,
        auth_failure_limit=options.auth_failure_limit)
    if lesson.setup.tls is None:
        return Prepared(policy, None, None, False, None)
    return with_certificate(policy)


def start_line(lesson: Lesson, lang: str) -> str:
    """What serve says at start about the lesson."""
    return say(lang, "serve", "lesson-start", number=lesson.place, id=lesson.id,
               title=lesson.text(lang).title, total=len(lesson.goals))


async def farewell(offer: Callable[[FarewellAsk], bool], host: str, lesson: str,
                   total: int, session_id: str, exchange: Exchange) -> Exchange:
    """The 221 to QUIT of ``session_id``, naming the steps its student has done: the
    question goes on the feed behind the session's Exchanges and the log's thread answers
    it (the driver bounds the wait); the plain 221 when it cannot be asked or the session
    has no name."""
    answered = trio.Event()
    ask = FarewellAsk(session_id, exchange, wake=answered.set)
    if not offer(ask):
        return exchange
    await answered.wait()
    if ask.answer is None:
        return exchange
    return with_progress(exchange, host=host, lesson=lesson, done=ask.answer, total=total)


class Teaching:
    """serve's use of the lesson data (:class:`simulator.faces.serve.options.Teaching`): the lesson
    of ``--lesson``, the scenario of ``--scenario``, and what serve says about them."""

    def lesson_server(self, options: ServeOptions, lang: str) -> LessonServer | str | None:
        return lesson_server(options, lang)

    def scenario(self, options: ScenarioOptions, lang: str) -> Scenario | str:
        """The scenario the options name (the engine's strict default, no file read, when
        none is named), or what is wrong with them in ``lang``."""
        if not options.given:
            return STRICT
        try:
            return chosen(options, lang=lang)
        except ScenarioError as err:
            return err.text(lang)
        except OptionError as err:
            return option_text(err, lang)

    def scenario_lines(self, scenario: Scenario) -> list[str]:
        return start_lines(scenario)

    def start_line(self, lesson: Lesson, lang: str) -> str:
        return start_line(lesson, lang)

    async def farewell(self, offer: Callable[[FarewellAsk], bool], host: str, lesson: str,
                       total: int, session_id: str, exchange: Exchange) -> Exchange:
        return await farewell(offer, host, lesson, total, session_id, exchange)


TEACHING: Final = Teaching()
