"""From argparse's Namespace to the frozen option records of :mod:`simulator.options`.

The only module that reads a Namespace: each subcommand's builder takes what argparse
parsed and returns its record, so no face, and nothing below one, sees argparse.
Subcommands repeat the top-level options with SUPPRESS defaults (see ``cli._common``), so
every option of the console's family is on the Namespace whichever command ran.

Where an option's value is checked, one place per kind of check:

- the shape of one value (a whole number, a port, seconds in a range, a host name): by
  argparse, the option's ``type=`` (``cli/values.py``), before any record is built, so a
  record holds no value of the wrong shape; refused with the usage and the sentence in the
  user's language;
- what options mean together (a certificate without its key, ``--lesson`` beside an option
  the lesson sets itself, a dashboard without a terminal) and what needs a file read (a
  scenario, a lesson, a certificate): by the face, from the record (for serve,
  ``faces/serve/options.py``, ``server.secure.read_options`` and ``faces/serve/lesson.py``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..options.records import (
    ConsoleOptions,
    DemoOptions,
    ErrorLimits,
    ExplainOptions,
    GradeOptions,
    LearnOptions,
    LessonsOptions,
    ReportOptions,
    RunOptions,
    ScenarioOptions,
    SecurityOptions,
    ServeOptions,
    SessionOptions,
)


def _given(args: argparse.Namespace) -> dict[str, Any]:
    return vars(args)


def security_options(args: argparse.Namespace) -> SecurityOptions:
    """The TLS and AUTH options as given (``server.secure.read_options`` checks them)."""
    given = _given(args)
    cert, key = given.get("cert"), given.get("key")
    return SecurityOptions(
        tls=bool(given.get("tls")), tls_port=given.get("tls_port"),
        cert=None if cert is None else Path(cert), key=None if key is None else Path(key),
        auth=bool(given.get("auth")), users=tuple(given.get("user") or ()),
        require_tls=bool(given.get("require_tls")),
        require_auth=bool(given.get("require_auth")),
        sender_login_match=bool(given.get("sender_login_match")))


def scenario_options(args: argparse.Namespace) -> ScenarioOptions:
    given = _given(args)
    return ScenarioOptions(name=given.get("scenario"), greylist_delay=given.get("greylist_delay"),
                           rate_limit=given.get("rate_limit"), fault_rate=given.get("fault_rate"),
                           seed=given.get("seed"))


def _errors(args: argparse.Namespace) -> ErrorLimits:
    given, engine = _given(args), ErrorLimits()
    return ErrorLimits(soft_error_limit=given.get("soft_error_limit", engine.soft_error_limit),
                       error_sleep=given.get("error_sleep", engine.error_sleep))


def session_options(args: argparse.Namespace) -> SessionOptions:
    given = _given(args)
    return SessionOptions(connect=given.get("connect"),
                          accept_bare_lf=bool(given.get("accept_bare_lf")),
                          verify=bool(given.get("verify")), security=security_options(args),
                          scenario=scenario_options(args), errors=_errors(args))


def console_options(args: argparse.Namespace) -> ConsoleOptions:
    return ConsoleOptions(lang=args.lang, no_color=args.no_color, session=session_options(args))


def run_options(args: argparse.Namespace, *, piped: bool = False) -> RunOptions:
    """``run``'s record; ``piped``: the console's command line with input from a pipe
    (``echo EHLO x | smtp-sim``), played as ``run -`` but named as typed."""
    given = _given(args)
    return RunOptions(lang=args.lang, no_color=args.no_color, session=session_options(args),
                      file="-" if piped else given.get("file", "-"),
                      format="text" if piped else given.get("format", "text"),
                      fail_on=tuple(given.get("fail_on") or ()),
                      program="smtp-sim" if piped else "smtp-sim run")


def demo_options(args: argparse.Namespace) -> DemoOptions:
    return DemoOptions(script=args.script, lang=args.lang, no_color=args.no_color,
                       session=session_options(args), speed=args.speed, pace=args.pace,
                       autoplay=args.autoplay, record=args.record)


def serve_options(args: argparse.Namespace) -> ServeOptions:
    given = _given(args)
    return ServeOptions(
        lang=given.get("lang"), host=args.host, port=args.port, hostname=args.hostname,
        maildir=args.maildir, max_clients=args.max_clients, timeout=args.timeout,
        data_block_timeout=args.data_block_timeout, data_timeout=args.data_timeout,
        memory_limit=args.memory_limit, max_size=args.max_size,
        accept_bare_lf=bool(given.get("accept_bare_lf")), max_per_client=args.max_per_client,
        junk_command_limit=args.junk_command_limit, auth_failure_limit=args.auth_failure_limit,
        errors=ErrorLimits(args.soft_error_limit, args.error_sleep),
        security=security_options(args), scenario=scenario_options(args),
        dashboard=args.dashboard, web=args.web, log=args.log, no_timestamps=args.no_timestamps,
        stuck_minutes=args.stuck_minutes, lesson=args.lesson, course=args.course)


def explain_options(args: argparse.Namespace) -> ExplainOptions:
    return ExplainOptions(codes=tuple(args.codes), lang=args.lang, no_color=args.no_color,
                          format=args.format)


def lessons_options(args: argparse.Namespace) -> LessonsOptions:
    return LessonsOptions(action=args.action, name=args.name, lang=args.lang,
                          scenarios=tuple(args.scenario or ()), course=args.course,
                          rubric=args.rubric)


def learn_options(args: argparse.Namespace) -> LearnOptions:
    return LearnOptions(target=args.target, lesson=args.lesson, lang=args.lang,
                        no_color=args.no_color, course=args.course)


def grade_options(args: argparse.Namespace) -> GradeOptions:
    return GradeOptions(program=tuple(args.program or ()), lang=args.lang, rubric=args.rubric,
                        format=args.format, timeout=args.timeout, wait=args.wait,
                        port=args.port, gradescope=args.gradescope)


def report_options(args: argparse.Namespace) -> ReportOptions:
    return ReportOptions(file=args.file, lang=args.lang, format=args.format)

