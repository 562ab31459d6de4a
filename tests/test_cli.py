"""The smtp-sim command line: options work before or after the subcommand."""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from simulator.cli.command import build_parser, parse_options
from simulator.lessons.entries import labels
from simulator.options.records import (
    ConsoleOptions,
    DemoOptions,
    ErrorLimits,
    ExplainOptions,
    RunOptions,
    ScenarioOptions,
    SecurityOptions,
    ServeOptions,
    SessionOptions,
)
from tests.wording import opening


def clean_env(**more: str) -> dict[str, str]:
    """No colour, no user settings: the tests' own data folder (see conftest.py)."""
    return {"NO_COLOR": "1", "PATH": "/usr/bin:/bin",
            "SMTP_SIM_HOME": os.environ["SMTP_SIM_HOME"], **more}


def smtp_sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True,
                          text=True, timeout=60, env=clean_env())


@pytest.mark.parametrize("argv", [["--lang", "zh", "explain", "221"],
                                  ["explain", "221", "--lang", "zh"]])
def test_language_given_before_or_after_the_subcommand(argv: list[str]) -> None:
    result = smtp_sim(*argv)
    assert result.returncode == 0
    assert labels("zh")["description"] in result.stdout


def test_connect_before_run_reaches_for_the_real_server_not_the_built_in_one() -> None:
    result = smtp_sim("--connect", "127.0.0.1:1", "run", "/dev/null")
    assert result.returncode != 0
    assert "smtp-sim.localhost" not in result.stdout
    assert opening("connect.cannot", peer="127.0.0.1:1") in result.stderr


def test_defaults_without_a_subcommand_open_the_console() -> None:
    assert parse_options([]) == ConsoleOptions()
    assert parse_options([], piped=True) == RunOptions(program="smtp-sim")  # echo ... | smtp-sim


def test_subcommand_options_keep_their_defaults() -> None:
    assert parse_options(["run"]) == RunOptions()
    assert parse_options(["serve"]) == ServeOptions()
    assert parse_options(["--lang", "zh", "serve", "--tls-port", "2465", "--user", "a:b"]) == \
        ServeOptions(lang="zh", security=SecurityOptions(tls_port=2465, users=("a:b",)))
    assert parse_options(["explain", "221", "--lang", "zh"]) == ExplainOptions(("221",), "zh")
    assert parse_options(["demo", "x", "--scenario", "chaos", "--seed", "3"]) == DemoOptions(
        "x", session=SessionOptions(scenario=ScenarioOptions("chaos", seed=3)))


def test_web_is_a_field_of_the_serve_record() -> None:
    assert parse_options(["serve"]) == ServeOptions(web=None)
    assert parse_options(["serve", "--web"]) == ServeOptions(web=8025)
    assert parse_options(["serve", "--web", "9000", "--host", "0.0.0.0"]) == \
        ServeOptions(web=9000, host="0.0.0.0")


@pytest.mark.parametrize(("argv", "lang"), [(["serve", "--web", "9000"], "en"),
                                            (["--lang", "zh", "serve", "--web"], "zh")])
def test_serve_hands_run_serve_the_web_pages_the_record_names(
        monkeypatch: pytest.MonkeyPatch, argv: list[str], lang: str) -> None:
    from simulator.cli import command as cli
    from simulator.faces.serve import main as serve

    seen: dict[str, object] = {}

    def fake(options: ServeOptions, **parts: object) -> int:
        seen.update(parts, options=options)
        return 0

    monkeypatch.setattr(serve, "run_serve", fake)
    options = parse_options([*argv, "--max-clients", "7"])
    assert isinstance(options, ServeOptions)
    assert cli._serve(options) == 0
    web = seen["web"]
    assert isinstance(web, functools.partial)
    assert web.keywords == {"host": "127.0.0.1", "port": options.web, "lang": lang,
                            "max_streams": 7}
    assert seen["options"] is options


def test_serve_without_web_hands_run_serve_no_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.cli import command as cli
    from simulator.faces.serve import main as serve

    seen: dict[str, object] = {}
    monkeypatch.setattr(serve, "run_serve", lambda options, **parts: seen.update(parts) or 0)
    assert cli._serve(ServeOptions()) == 0
    assert seen["web"] is None


def test_python_dash_m_and_help_work() -> None:
    result = smtp_sim("--help")
    assert result.returncode == 0
    for command in ("repl", "serve", "explain", "lessons", "run"):
        assert command in result.stdout


def test_serve_slows_errors_down_by_default_and_the_console_and_run_do_not() -> None:
    serve = parse_options(["serve"])
    assert isinstance(serve, ServeOptions)
    assert serve.errors == ErrorLimits(10, 1.0) and serve.max_per_client is None
    assert (serve.junk_command_limit, serve.auth_failure_limit) == (100, 10)
    for argv in ([], ["repl"], ["run"]):
        options = parse_options(argv)
        assert isinstance(options, ConsoleOptions | RunOptions)
        assert options.session.errors == ErrorLimits(10, 0.0)


@pytest.mark.parametrize("argv", [["--error-sleep", "2.5", "run"], ["run", "--error-sleep", "2.5"],
                                  ["repl", "--error-sleep", "2.5"]])
def test_error_sleep_is_taken_before_or_after_the_subcommand(argv: list[str]) -> None:
    options = parse_options(argv)
    assert isinstance(options, ConsoleOptions | RunOptions)
    assert options.session.errors.error_sleep == 2.5


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--error-sleep", "-1", "from 0 to 60"), ("--error-sleep", "61", "from 0 to 60"),
    ("--error-sleep", "inf", "from 0 to 60"), ("--error-sleep", "soon", "from 0 to 60"),
    ("--soft-error-limit", "-2", "0 or more"), ("--max-per-client", "1.5", "0 or more"),
    ("--stuck-minutes", "soon", "0 or more")])
def test_a_bad_limit_is_refused_with_what_to_give(option: str, value: str, says: str) -> None:
    result = smtp_sim("serve", "--port", "0", option, value)
    assert result.returncode == 2
    assert f"argument {option}: must be" in result.stderr and says in result.stderr
    assert "Traceback" not in result.stderr

def piped(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator", *args], input=stdin,
                          capture_output=True, text=True, timeout=60,
                          env=clean_env())


@pytest.mark.parametrize(("argv", "name"), [
    (["--connect", "127.0.0.1:1"], "smtp-sim: "),  # no run typed: not called run
    (["--lang", "zh", "--connect", "127.0.0.1:1"], "smtp-sim: "),
    (["run", "--connect", "127.0.0.1:1"], "smtp-sim run: "),
])
def test_piped_input_errors_name_the_command_the_user_typed(argv: list[str], name: str) -> None:
    result = piped("NOOP\n", *argv)
    assert result.returncode == 1
    lang = "zh" if "zh" in argv else "en"
    assert result.stderr.startswith(name + opening("connect.cannot", lang, peer="127.0.0.1:1"))
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("argv", "start"), [
    ([], "smtp-sim: the file ended inside DATA"),
    (["--lang", "zh"], "smtp-sim：文件在 DATA 中途结束"),
    (["run"], "smtp-sim run: the file ended inside DATA"),
])
def test_piped_input_ending_in_data_names_the_command_the_user_typed(
        argv: list[str], start: str) -> None:
    result = piped("EHLO x\nMAIL FROM:<a@x.example>\nRCPT TO:<b@y.example>\nDATA\nhi\n",
                   *argv)
    assert result.returncode == 1
    assert result.stderr.startswith(start)

def every_option(parser: argparse.ArgumentParser, command: str = "",
                 ) -> Iterator[tuple[str, argparse.Action]]:
    """(command, action) for every option and positional of every command, recursively,
    each parser's help first put in words, as ``--help`` does."""
    parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from every_option(sub, name)
        else:
            yield command, action


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_option_says_what_it_does_in_each_language_and_its_default(lang: str) -> None:
    english = dict(((c, a.dest), a.help) for c, a in every_option(build_parser("en")))
    for command, action in every_option(build_parser(lang)):
        where = f"{command or 'smtp-sim'} {action.option_strings or action.dest}"
        assert action.help, where
        if lang != "en":
            assert action.help != english[command, action.dest], f"{where}: not translated"
        if action.default not in (None, False, argparse.SUPPRESS) and action.dest != "help":
            shown = action.help % {"default": action.default}
            assert f"{action.default:g}" in shown if isinstance(action.default, float) else (
                str(action.default) in shown), f"{where}: default {action.default!r} not shown"


@pytest.mark.parametrize(("argv", "said"), [
    (["serve", "--help"], "(default:2525)"),
    (["--lang", "zh", "serve", "--help"], "（默认：2525）"),
    (["serve", "--help", "--lang=zh"], "（默认：300）"),
])
def test_help_is_in_the_chosen_language_with_its_defaults(argv: list[str], said: str) -> None:
    result = smtp_sim(*argv)
    assert result.returncode == 0 and said in "".join(result.stdout.split())


def test_a_command_line_without_a_mistake_reads_no_text_at_start() -> None:
    """The help's texts are read when help, usage or an error needs them (start-up time of
    serve); a wrong option still says so in the chosen language."""
    code = ("import sys; from simulator.cli import command as cli; from simulator.lessons import load; "
            "cli.parse_options(['--lang', 'zh', 'serve', '--port', '0']); "
            "print(load.default_library.cache_info().currsize)")
    started = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60, check=True)
    assert started.stdout.split() == ["0"]
    wrong = smtp_sim("--lang", "zh", "serve", "--port", "abc")
    assert wrong.returncode == 2 and "用法：smtp-sim serve" in wrong.stderr


def test_the_top_level_usage_shows_the_command_is_optional() -> None:
    usage = smtp_sim("--help").stdout.split("\n\n")[0]
    assert "[COMMAND" in usage and " COMMAND ..." not in usage


def test_a_missing_choice_is_named_in_the_error() -> None:
    result = smtp_sim("lessons")
    assert result.returncode == 2
    assert "required: check" in result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_learn_list_ends_by_saying_how_to_start_a_lesson(lang: str) -> None:
    from simulator.lessons.ui import text

    result = smtp_sim("learn", "list", "--lang", lang)
    assert result.returncode == 0
    assert result.stdout.rstrip("\n").splitlines()[-1] == text("learn.list-start", lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("columns", [60, 80])
def test_help_fits_the_terminal_by_display_width(lang: str, columns: int) -> None:
    """argparse counts characters; a Chinese line is twice as wide, and must still fit."""
    from simulator.render.wrap import text_width

    for command in ("serve", "run", "learn"):
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "--lang", lang, command, "--help"],
            capture_output=True, text=True, timeout=60,
            env=clean_env(COLUMNS=str(columns)))
        wide = [line for line in result.stdout.splitlines() if text_width(line) > columns]
        assert result.returncode == 0 and wide == []


@pytest.mark.parametrize(("argv", "usage", "said"), [
    (["serve", "--port", "abc"], "usage: smtp-sim serve",
     "smtp-sim serve: error: argument --port: 'abc' is not a whole number"),
    (["--lang", "zh", "serve", "--port", "abc"], "用法：smtp-sim serve",
     "smtp-sim serve：错误：参数 --port：'abc' 不是整数"),
    (["serve", "--timeout", "soon", "--lang", "zh"], "用法：smtp-sim serve",
     "smtp-sim serve：错误：参数 --timeout：'soon' 不是数字"),
    (["--lang", "zh", "lessons"], "用法：smtp-sim lessons", "smtp-sim lessons：错误：缺少必需的参数：check|new"),
    (["--lang", "zh", "run", "--fail-on", "3xx"], "用法：smtp-sim run",
     "smtp-sim run：错误：参数 --fail-on：无效的选择：'3xx'（可选：'4xx', '5xx'）"),
    (["--lang", "zh", "--version"], "用法：smtp-sim [选项...]",
     "smtp-sim：错误：无法识别的参数：--version"),
    (["--lang", "zh", "explain"], "用法：smtp-sim explain", "smtp-sim explain：错误：缺少必需的参数：CODE|KEY|FILE"),
    (["--lang", "zh", "serve", "--soft-error-limit", "-3"], "用法：smtp-sim serve",
     "smtp-sim serve：错误：参数 --soft-error-limit：必须是 0 或更大的整数，而不是 -3"),
    (["run", "--error-sleep", "99", "--lang", "zh"], "用法：smtp-sim run",
     "smtp-sim run：错误：参数 --error-sleep：必须是 0 到 60 之间的秒数，而不是 99"),
])
def test_a_command_line_mistake_is_said_in_the_chosen_language(argv: list[str], usage: str,
                                                               said: str) -> None:
    result = smtp_sim(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(usage)
    assert result.stderr.rstrip("\n").splitlines()[-1] == said


@pytest.mark.parametrize("command", ["", "repl", "serve", "demo", "explain", "lessons", "learn",
                                     "run"])
def test_chinese_help_has_no_english_headings(command: str) -> None:
    """argparse's own words (usage:, options:, positional arguments:) follow --lang too,
    and the usage's later lines stand under the program's name, by display width."""
    from simulator.render.wrap import text_width

    out = smtp_sim("--lang", "zh", *([command] if command else []), "--help").stdout
    assert out.startswith("用法：smtp-sim") and "\n选项：\n" in out
    for english in ("usage:", "options:", "positional arguments:"):
        assert english not in out
    usage = out.split("\n\n")[0].splitlines()
    name = text_width(f"用法：smtp-sim {command} " if command else "用法：smtp-sim ")
    assert all(line[:name].isspace() and not line[name].isspace() for line in usage[1:])


def test_a_number_option_shows_what_kind_of_number_it_takes() -> None:
    """``--timeout SECONDS``, ``--max-clients N``: never argparse's ``TIMEOUT`` or
    ``MAX_CLIENTS`` made from the option's name."""
    placeholders = {"N", "SECONDS", "MIB", "BYTES", "PORT", "CHARS", "P", "NAME"}
    for command, action in every_option(build_parser()):
        if action.option_strings and action.type not in (None, str):
            shown = action.metavar or action.dest.upper()
            assert shown in placeholders, f"{command} {action.option_strings[0]} {shown}"
