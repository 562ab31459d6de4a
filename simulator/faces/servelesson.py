"""``smtp-sim serve --lesson ID|NUMBER [--course DIR]``: the server a lesson asks for.

The same setup the console's lessons apply (``lessons.course.setup.policy_for``: scenario,
limits, bare-LF tolerance, STARTTLS, AUTH accounts; the idle timeout), with serve's own
hostname and error limits; the command-line options that would set the same things
differently are refused, by name, rather than silently overridden. Each student's steps are
ticked by the course's tutor in the log's thread (:mod:`simulator.render.students`); at a
QUIT the server asks how many (:func:`farewell`) and says it in the 221.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import trio

from simulator.faces.classlog import FarewellAsk
from simulator.lessons.classroom import say
from simulator.lessons.course import Lesson, default_course_root, load_course
from simulator.protocol import Exchange
from simulator.protocol.escape import show_text
from simulator.protocol.farewell import with_progress
from simulator.render.classroom import LessonStep
from simulator.render.students import Students
from simulator.server.secure import OptionError, Prepared, with_certificate

SET_BY_LESSON: Final = (
    ("scenario", "--scenario"), ("greylist_delay", "--greylist-delay"),
    ("rate_limit", "--rate-limit"), ("fault_rate", "--fault-rate"), ("seed", "--seed"),
    ("max_size", "--max-size"), ("accept_bare_lf", "--accept-bare-lf"), ("tls", "--tls"),
    ("tls_port", "--tls-port"), ("cert", "--cert"), ("key", "--key"), ("auth", "--auth"),
    ("user", "--user"), ("require_tls", "--require-tls"), ("require_auth", "--require-auth"))
"""Options that set what a lesson sets itself (attribute, option): refused beside --lesson."""


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


def lesson_server(args: argparse.Namespace, lang: str) -> LessonServer | str | None:
    """The lesson ``--lesson`` names and its server; what is wrong, in ``lang``; None when
    serve runs no lesson."""
    wanted, folder = getattr(args, "lesson", None), getattr(args, "course", None)
    if wanted is None:
        return None if folder is None else say(lang, "serve", "lesson-missing")
    for name, option in SET_BY_LESSON:
        if getattr(args, name, None) not in (None, False):
            return say(lang, "serve", "lesson-conflict", lesson=show_text(wanted, limit=40),
                       option=option)
    root = Path(folder) if folder else default_course_root()
    course = load_course(root)
    if course.problems:
        return "\n".join([say(lang, "serve", "lesson-course-problems", root=root),
                          *(f"  {problem}" for problem in course.problems)])
    lesson = course.find(wanted)
    if lesson is None:
        ids = ", ".join(f"{one.number} {one.id}" for one in course.available)
        waiting = course.find(wanted, include_unavailable=True)
        if waiting is not None:
            return say(lang, "serve", "lesson-unavailable", number=waiting.number,
                       id=waiting.id, needs=", ".join(waiting.needs), ids=ids)
        return say(lang, "serve", "lesson-unknown", wanted=show_text(wanted, limit=40),
                   ids=ids)
    try:
        return LessonServer(lesson, _prepared(lesson, args))
    except OptionError as err:
        return str(err)


def _prepared(lesson: Lesson, args: argparse.Namespace) -> Prepared:
    """The lesson's policy (as the console sets it up) with serve's hostname and error
    limits, and a generated certificate when it offers STARTTLS."""
    from simulator.lessons.course.setup import policy_for

    policy = policy_for(lesson.setup)
    policy = dataclasses.replace(
        policy, hostname=args.hostname or policy.hostname,
        soft_error_limit=args.soft_error_limit, error_sleep=args.error_sleep,
        junk_command_limit=args.junk_command_limit,
        auth_failure_limit=args.auth_failure_limit)
    if lesson.setup.tls is None:
        return Prepared(policy, None, None, False, None)
    return with_certificate(policy)


def start_line(lesson: Lesson, lang: str) -> str:
    """What serve says at start about the lesson."""
    return say(lang, "serve", "lesson-start", number=lesson.number, id=lesson.id,
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
