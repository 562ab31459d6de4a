"""The ``smtp-sim`` command: argparse entry that dispatches to each face.

argparse's result becomes the subcommand's frozen option record (:mod:`.args`), which is
all the face receives. Faces are imported at their dispatch (one import per face; with the
server's host-name rule in cli/values.py, the only function-local imports the command line
needs), so ``smtp-sim explain 221`` does not pay
for trio or prompt_toolkit and ``smtp-sim serve`` none for the console or the explanations
(tests/test_import_closures.py holds this).

Help texts are data (``[cli]`` in ``lessons/ui.LANG.toml``, en and zh), looked up by command
and option when help, a usage line or an error first needs them (``render.helptext.localize``):
a new option needs its lines there.
An option's help is there only (a test fails for an option without it); a subcommand keeps
its English ``help=`` because argparse lists only subcommands that have one.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, cast

from ..client.home import saved_lang
from ..lessons.load import LANGS
from ..options.records import (
    ConsoleOptions,
    DemoOptions,
    ExplainOptions,
    GradeOptions,
    LearnOptions,
    LessonsOptions,
    ReportOptions,
    RunOptions,
    ServeOptions,
)
from ..render.helptext import HelpFormatter, Parser, speak
from . import args as records_from
from . import values
from .startup import collector_paused


def _common(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Subcommands repeat the top-level options with SUPPRESS defaults, so an option given
    # before the subcommand (``smtp-sim --lang zh explain 221``) is not overwritten.
    unset = None if top else argparse.SUPPRESS
    parser.add_argument("--lang", choices=LANGS, default=unset)
    parser.add_argument("--no-color", action="store_true",
                        default=False if top else argparse.SUPPRESS)


def _security_options(parser: argparse.ArgumentParser, *, top: bool = False,
                      serve: bool = False) -> None:
    """TLS and AUTH of the server (the built-in one, or serve's): the same for every face."""
    unset = None if top or serve else argparse.SUPPRESS
    off = False if top or serve else argparse.SUPPRESS
    parser.add_argument("--tls", action="store_true", default=off)
    if serve:
        parser.add_argument("--tls-port", type=values.TLS_PORT, default=None, metavar="PORT")
    parser.add_argument("--cert", default=unset, metavar="FILE")
    parser.add_argument("--key", default=unset, metavar="FILE")
    parser.add_argument("--auth", action="store_true", default=off)
    parser.add_argument("--user", action="append", default=unset,
                        metavar="NAME:PASSWORD[:STYLE]")
    parser.add_argument("--require-tls", action="store_true", default=off)
    parser.add_argument("--require-auth", action="store_true", default=off)
    parser.add_argument("--sender-login-match", action="store_true", default=off)
    if not serve:
        parser.add_argument("--verify", action="store_true", default=off)


def _scenario_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    unset = None if top else argparse.SUPPRESS
    parser.add_argument("--scenario", metavar="NAME|FILE.toml", default=unset)
    parser.add_argument("--greylist-delay", type=float, metavar="SECONDS", default=unset)
    parser.add_argument("--rate-limit", type=int, metavar="N", default=unset)
    parser.add_argument("--fault-rate", type=float, metavar="P", default=unset)
    parser.add_argument("--seed", type=int, metavar="N", default=unset)


def _error_options(parser: argparse.ArgumentParser, *, top: bool = False,
                   serve: bool = False) -> None:
    """Postfix's error limits (smtpd_soft_error_limit, smtpd_error_sleep_time): serve slows
    a client down past 10 errors by default; the console and run only when asked."""
    unset = argparse.SUPPRESS
    parser.add_argument("--soft-error-limit", type=values.whole_number, metavar="N",
                        default=10 if serve or top else unset)
    parser.add_argument("--error-sleep", type=values.error_seconds, metavar="SECONDS",
                        default=1.0 if serve else 0.0 if top else unset)


def _console_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    _common(parser, top=top)
    _security_options(parser, top=top)
    parser.add_argument("--connect", metavar="HOST:PORT",
                        default=None if top else argparse.SUPPRESS)
    parser.add_argument("--accept-bare-lf", action="store_true",
                        default=False if top else argparse.SUPPRESS)
    _scenario_options(parser, top=top)


def _lesson_options(serve: argparse.ArgumentParser) -> None:
    """serve's options for a whole lesson: the dashboard, the JSON log, the line log's form."""
    serve.add_argument("--dashboard", action="store_true")
    serve.add_argument("--web", type=int, nargs="?", const=8025, default=None, metavar="PORT")
    serve.add_argument("--log", metavar="FILE.jsonl", default=None)
    serve.add_argument("--no-timestamps", action="store_true")
    serve.add_argument("--stuck-minutes", type=values.whole_number, default=None, metavar="N")
    serve.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    serve.add_argument("--lesson", metavar="ID|NUMBER", default=None)
    serve.add_argument("--course", metavar="DIR", default=None)


def _demo_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="play a script for a projector, step by step")
    demo.add_argument("script", metavar="SCRIPT|NAME|list")
    demo.add_argument("--typing-speed", dest="speed", type=float, default=18.0,
                      metavar="CHARS")
    demo.add_argument("--pace", type=float, default=None, metavar="SECONDS")
    demo.add_argument("--autoplay", action="store_true")
    demo.add_argument("--record", metavar="FILE.cast", default=None)
    _console_options(demo)


def _serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``smtp-sim serve``: the classroom server and its bounds."""
    serve = sub.add_parser("serve", help="serve real SMTP clients over TCP, for a classroom")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=values.PORT, default=2525)
    serve.add_argument("--hostname", type=values.hostname, default=None, metavar="NAME")
    serve.add_argument("--maildir", default=None, metavar="DIR")
    serve.add_argument("--max-clients", type=values.MAX_CLIENTS, default=200, metavar="N")
    serve.add_argument("--timeout", type=values.TIMEOUTS["--timeout"], default=300.0,
                       metavar="SECONDS")
    serve.add_argument("--data-block-timeout", type=values.TIMEOUTS["--data-block-timeout"],
                       default=180.0, metavar="SECONDS")
    serve.add_argument("--data-timeout", type=values.TIMEOUTS["--data-timeout"], default=600.0,
                       metavar="SECONDS")
    serve.add_argument("--memory-limit", type=values.MEMORY_LIMIT, default=256, metavar="MIB")
    serve.add_argument("--max-size", type=values.MAX_SIZE, default=None, metavar="BYTES")
    serve.add_argument("--accept-bare-lf", action="store_true", default=argparse.SUPPRESS)
    serve.add_argument("--max-per-client", type=values.whole_number, default=None, metavar="N")
    serve.add_argument("--junk-command-limit", type=values.whole_number, default=100, metavar="N")
    serve.add_argument("--auth-failure-limit", type=values.whole_number, default=10, metavar="N")
    _error_options(serve, serve=True)
    _security_options(serve, serve=True)
    _scenario_options(serve, top=True)
    _lesson_options(serve)


def _explain_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``smtp-sim explain CODE...``."""
    explain = sub.add_parser(
        "explain", help="explain one or more reply codes (several are compared), enhanced "
                        "status codes and classes")
    explain.add_argument("codes", nargs="+", metavar="CODE|KEY|FILE")
    explain.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    _common(explain)


def _lessons_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``smtp-sim lessons check``: the authors' linter."""
    lessons = sub.add_parser("lessons", help="lesson authoring tools")
    # metavar: a missing action is named by its choices ("required: check|new"), as in the usage
    lessons.add_argument("action", choices=("check", "new"), metavar="check|new")
    lessons.add_argument("name", nargs="?", default=None, metavar="ID")
    lessons.add_argument("--scenario", metavar="FILE.toml", action="append", default=None)
    lessons.add_argument("--course", metavar="DIR", default=None)
    lessons.add_argument("--rubric", metavar="FILE.toml", default=None)


def _grade_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``smtp-sim grade -- COMMAND``: a student's client program run and graded."""
    grade = sub.add_parser("grade", help="run a student's SMTP client program and grade it")
    grade.add_argument("--rubric", metavar="FILE.toml", default=None)
    grade.add_argument("--format", choices=("text", "json", "junit"), default="text")
    grade.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS")
    grade.add_argument("--wait", action="store_true", default=False)
    grade.add_argument("--port", type=int, default=None, metavar="N")
    grade.add_argument("--gradescope", metavar="FILE", default=None)
    grade.add_argument("program", nargs=argparse.REMAINDER, metavar="-- COMMAND")
    _common(grade)


def _learn_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``smtp-sim learn``: the course."""
    learn = sub.add_parser("learn", help="the course: lessons the server's replies check")
    learn.add_argument("target", nargs="?", default=None, metavar="ID|NUMBER|list|reset|export")
    learn.add_argument("lesson", nargs="?", default=None, metavar="ID|FILE")
    learn.add_argument("--course", metavar="DIR", default=None)
    _common(learn)


def _report_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``smtp-sim report class.jsonl``: the gradebook from serve's --log."""
    report = sub.add_parser("report", help="the class's gradebook from serve --log's file")
    report.add_argument("file", metavar="FILE.jsonl")
    report.add_argument("--format", choices=("text", "csv", "markdown", "json"),
                        default="text")
    _common(report)


def _run_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``smtp-sim run FILE``: a script played, the transcript printed."""
    run = sub.add_parser(
        "run", help="send a file of command lines and print the explained transcript")
    run.add_argument("file", nargs="?", default="-", metavar="FILE")
    run.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    run.add_argument("--fail-on", choices=("4xx", "5xx"), action="append", default=None)
    _console_options(run)
    _error_options(run)


def build_parser(lang: str = LANGS[0]) -> argparse.ArgumentParser:
    parser = Parser(
        prog="smtp-sim", formatter_class=HelpFormatter,
        description="Learn SMTP by typing it: a strict RFC 5321 server that explains every reply.",
    )
    _console_options(parser, top=True)
    _error_options(parser, top=True)
    sub = cast("argparse._SubParsersAction[argparse.ArgumentParser]",
               parser.add_subparsers(dest="command", metavar="COMMAND"))
    repl = sub.add_parser("repl", help="the interactive console (the default)")
    _console_options(repl)
    _error_options(repl)
    for add in (_serve_parser, _demo_parser, _explain_parser, _lessons_parser, _learn_parser,
                _run_parser, _grade_parser, _report_parser):
        add(sub)
    speak(parser, lang, values.SAID_IN_LANG)
    return parser


def help_lang(argv: Sequence[str]) -> str:
    """The language of the help and usage: ``--lang`` anywhere, else the saved setting."""
    for index, arg in enumerate(argv):
        value = argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else (
            arg.partition("=")[2] if arg.startswith("--lang=") else None)
        if value in LANGS:
            return str(value)
    return saved_lang(LANGS) or LANGS[0]


def _serve(options: ServeOptions) -> int:
    from ..faces.serve.main import Screen, run_serve
    from ..faces.serve.options import Teaching

    screen: Screen | None = None
    teaching: Teaching | None = None
    web = None
    if options.web is not None:
        from functools import partial

        from ..faces.web import run_web

        web = partial(run_web, host=options.host, port=options.web,
                      lang=options.lang or LANGS[0], max_streams=options.max_clients)
    if options.dashboard:
        from ..faces.dashboard import show_dashboard

        screen = show_dashboard
    if options.lesson or options.course or options.scenario.given:  # reads lesson data
        from ..faces.serve.lesson import TEACHING

        teaching = TEACHING
    return run_serve(options, screen=screen, teaching=teaching, web=web)


def _demo(options: DemoOptions) -> int:
    from ..faces.demo import run_demo

    return run_demo(options)


def _explain(options: ExplainOptions) -> int:
    from ..faces.explain import run_explain

    return run_explain(options)


def _lessons(options: LessonsOptions) -> int:
    from ..faces.lessons_check import run_check

    return run_check(options)


def _learn(options: LearnOptions) -> int:
    from ..faces.learn.main import run_learn

    return run_learn(options)


def _run(options: RunOptions) -> int:
    from ..faces.run import run_file

    return run_file(options)


def _grade(options: GradeOptions) -> int:
    from ..faces.grade import run_grade

    return run_grade(options)


def _report(options: ReportOptions) -> int:
    from ..faces.report import run_report

    return run_report(options)


def _console(options: ConsoleOptions) -> int:
    from ..faces.console import run_console

    return run_console(options)


@dataclass(frozen=True, slots=True)
class Command:
    """A subcommand: its option record built from argparse, and its face, which imports
    the face's module only when it runs (the serve path never loads the console)."""

    options: Callable[[argparse.Namespace], Any]
    face: Callable[[Any], int]
    module: str
    """The face's module, which ``main`` imports before the face runs."""


COMMANDS: Final[Mapping[str, Command]] = MappingProxyType({
    "serve": Command(records_from.serve_options, _serve, "simulator.faces.serve.main"),
    "demo": Command(records_from.demo_options, _demo, "simulator.faces.demo"),
    "explain": Command(records_from.explain_options, _explain, "simulator.faces.explain"),
    "lessons": Command(records_from.lessons_options, _lessons, "simulator.faces.lessons_check"),
    "learn": Command(records_from.learn_options, _learn, "simulator.faces.learn.main"),
    "run": Command(records_from.run_options, _run, "simulator.faces.run"),
    "repl": Command(records_from.console_options, _console, "simulator.faces.console"),
    "grade": Command(records_from.grade_options, _grade, "simulator.faces.grade"),
    "report": Command(records_from.report_options, _report, "simulator.faces.report"),
})
"""Each subcommand by name; ``smtp-sim`` alone is ``repl``."""


def _chosen(args: argparse.Namespace, *, piped: bool) -> tuple[Command, object]:
    """The command to run and its options; ``piped``: no one types at the console
    (``echo EHLO x | smtp-sim``), so the input is played as ``smtp-sim run -``."""
    name = args.command or "repl"
    if name == "repl" and piped:
        return COMMANDS["run"], records_from.run_options(args, piped=True)
    command = COMMANDS[name]
    return command, command.options(args)


def parse_options(argv: Sequence[str], *, piped: bool = False) -> object:
    """The option record ``smtp-sim ARGV`` runs with (what tests and benchmarks start from)."""
    return _chosen(build_parser(help_lang(argv)).parse_args(argv), piped=piped)[1]


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with collector_paused():  # the face's modules too, imported here
        args = build_parser(help_lang(argv)).parse_args(argv)
        command, options = _chosen(args, piped=not sys.stdin.isatty())
        importlib.import_module(command.module)
    try:
        return command.face(options)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
