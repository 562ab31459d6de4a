"""``smtp-sim serve --lesson``: real clients (smtplib, swaks, ``nc -C``) against the lesson's
server, as a process and in-process: each student's steps in the JSON Lines log and the line
log, progress kept over a reconnect, the 221 naming the steps done, the class summary; the
options a lesson sets refused beside it; ``serve`` without a lesson as it was."""

from __future__ import annotations

import argparse
import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Final

import pytest

from simulator.lessons.classroom import say
from simulator.options.records import ServeOptions
from tests.replies_reader import wire
from tests.smtp_client import GUARD, serve_process

HOST = "smtp-sim.localhost"
MESSAGE = b"From: ann@example.org\r\nSubject: hi\r\n\r\nhello\r\n"


def bye(done: int, total: int, lesson: str = "hello") -> bytes:
    return wire("session.quit-lesson", host=HOST, lesson=lesson, done=done, total=total)


def records(log: Path, event: str) -> list[dict[str, Any]]:
    found = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [record for record in found if record.get("event") == event]


def nc(port: int, script: bytes) -> bytes:
    """``nc -C``: the lines typed (LF turned into CRLF by nc), everything the server said."""
    done = subprocess.run(["nc", "-C", "-q", "2", "127.0.0.1", str(port)], input=script,
                          capture_output=True, timeout=GUARD, check=False)
    return done.stdout


def test_each_students_steps_are_ticked_and_a_reconnect_keeps_them(tmp_path: Path) -> None:
    log = tmp_path / "class.jsonl"
    with serve_process("--lesson", "hello", "--log", str(log)) as (proc, port):
        with smtplib.SMTP("127.0.0.1", port, local_hostname="bob.example",
                          timeout=GUARD) as client:
            client.helo()  # HELO: the greeting step only
            assert client.quit() == (221, bye(1, 3)[4:-2])
        said = nc(port, b"EHLO bob.example\nQUIT\n")  # same name: goes on from 1
        assert said.endswith(bye(3, 3))
        assert nc(port, b"EHLO carol.example\nNOOP\n").endswith(wire("session.noop"))
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=GUARD)
    text = out.decode()
    assert "Lesson 1 (hello): Hello, server. 3 steps" in text
    assert "S2 127.0.0.1:" in text and "student bob.example: 1 of 3 steps done" in text
    assert "bob.example did step quit (3 of 3 steps done)" in text
    summary = text[text.index("Class summary"):].splitlines()
    assert summary[-2:] == ["Lesson hello: 1 of 2 student(s) finished it.",
                            "Not finished: carol.example"]
    steps = [(r["session"], r["student"], r["step"], r["done"], r["total"])
             for r in records(log, "step")]
    assert steps == [("S1", "bob.example", "greeting", 1, 3), ("S2", "bob.example", "ehlo", 2, 3),
                     ("S2", "bob.example", "quit", 3, 3),
                     ("S3", "carol.example", "greeting", 1, 3),
                     ("S3", "carol.example", "ehlo", 2, 3)]
    assert [(r["session"], r["student"], r["lesson"], r["total"])
            for r in records(log, "student")] == [
        ("S1", "bob.example", "hello", 3), ("S2", "bob.example", "hello", 3),
        ("S3", "carol.example", "hello", 3)]
    ends = {r["session"]: r["how"] for r in records(log, "end")}
    assert ends == {"S1": "quit", "S2": "quit", "S3": "client"}


def test_swaks_sends_the_lessons_mail_and_its_message_is_logged(tmp_path: Path) -> None:
    log = tmp_path / "class.jsonl"
    with serve_process("--lesson", "first-mail", "--log", str(log), "--maildir",
                       str(tmp_path / "mail")) as (proc, port):
        done = subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{port}", "--helo", "dora.example", "--from",
             "dora@example.org", "--to", "eve@example.net", "--header", "Subject: first",
             "--body", "hello"], capture_output=True, timeout=GUARD, check=False)
        assert done.returncode == 0, done.stdout
        assert b"<-  221 2.0.0 " + HOST.encode() + (
            b" closing connection, goodbye: lesson first-mail, 2 of 2 steps done") in done.stdout
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=GUARD)
    [message] = records(log, "message")
    assert (message["status"], message["from"], message["to"], message["subject"]) == (
        "accepted", "dora@example.org", ["eve@example.net"], "first")
    assert message["stored"].startswith(str(tmp_path / "mail" / "new"))
    assert b"Lesson first-mail: 1 of 1 student(s) finished it." in out


def test_serve_without_a_lesson_says_goodbye_as_it_always_did(tmp_path: Path) -> None:
    log = tmp_path / "class.jsonl"
    with serve_process("--log", str(log)) as (proc, port):
        assert nc(port, b"EHLO bob.example\nQUIT\n").endswith(wire("session.quit"))
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=GUARD)
    assert records(log, "student") == [] and records(log, "step") == []
    assert b"Lesson" not in out and b"did step" not in out


@pytest.mark.parametrize(("argv", "said"), [
    (["--lesson", "hello", "--scenario", "realistic"], "leave out --scenario"),
    (["--lesson", "auth", "--user", "x:y"], "leave out --user"),
    (["--lesson", "1", "--max-size", "100"], "leave out --max-size"),
    (["--lesson", "auth", "--sender-login-match"], "leave out --sender-login-match"),
    (["--lesson", "nope"], "there is no lesson nope. Lessons: 1 hello, 2 "),
    (["--course", "lessons/course"], "name one of them with --lesson"),
    (["--lesson", "1", "--course", "/no/such/folder"], "the course in /no/such/folder has"),
])
def test_what_a_lesson_cannot_honour_is_refused_by_name(argv: list[str], said: str) -> None:
    done = subprocess.run([sys.executable, "-m", "simulator", "serve", "--port", "0", *argv],
                          capture_output=True, timeout=GUARD, check=False)
    assert done.returncode == 2 and done.stdout == b""
    assert said in done.stderr.decode() and "Traceback" not in done.stderr.decode()


REFUSED_BESIDE_A_LESSON: Final = {
    "--scenario": ["realistic"], "--greylist-delay": ["5"], "--rate-limit": ["3"],
    "--fault-rate": ["0.1"], "--seed": ["4"], "--max-size": ["1000"], "--accept-bare-lf": [],
    "--tls": [], "--tls-port": ["2465"], "--cert": ["c.pem"], "--key": ["k.pem"], "--auth": [],
    "--user": ["a:b"], "--require-tls": [], "--require-auth": [], "--sender-login-match": []}
"""Each option of serve that sets what a lesson's [setup] sets, and a value to give it."""
KEPT_BESIDE_A_LESSON: Final = frozenset({
    "--lang", "--host", "--port", "--hostname", "--maildir", "--max-clients",
    "--timeout",  # a lesson's idle_timeout, when it has one, replaces it
    "--data-block-timeout", "--data-timeout", "--memory-limit", "--max-per-client",
    "--junk-command-limit", "--auth-failure-limit", "--soft-error-limit", "--error-sleep",
    "--dashboard", "--web", "--log", "--no-timestamps", "--stuck-minutes", "--lesson",
    "--course", "--help"})
"""The options of serve a lesson leaves to the command line (where it listens, its bounds,
its error limits, the screens)."""


@pytest.mark.parametrize("option", sorted(REFUSED_BESIDE_A_LESSON))
def test_each_option_a_lesson_sets_itself_is_refused_by_name(option: str) -> None:
    from simulator.cli.command import parse_options
    from simulator.faces.serve.lesson import lesson_server

    options = parse_options(["serve", "--lesson", "auth", option,
                             *REFUSED_BESIDE_A_LESSON[option]])
    assert isinstance(options, ServeOptions)
    assert lesson_server(options, "en") == say("en", "serve", "lesson-conflict",
                                               lesson="auth", option=option)


def test_every_serve_option_is_refused_beside_a_lesson_or_left_to_the_command_line() -> None:
    """A new option of serve, or a new field of a lesson's [setup], is sorted here: refused
    beside --lesson when the lesson sets the same thing, kept otherwise."""
    from simulator.cli.command import build_parser
    from simulator.faces.serve.lesson import NO_SERVE_OPTION, SET_BY_LESSON
    from simulator.lessons.course.setup import SETUP_FIELDS

    serve = next(action for action in build_parser()._actions
                 if isinstance(action, argparse._SubParsersAction)).choices["serve"]
    options = {string for action in serve._actions for string in action.option_strings
               if string.startswith("--")}
    refused = {option for option, _field, _given in SET_BY_LESSON}
    assert refused == set(REFUSED_BESIDE_A_LESSON)
    assert options == refused | KEPT_BESIDE_A_LESSON and not refused & KEPT_BESIDE_A_LESSON
    fields = {field for _option, field, _given in SET_BY_LESSON}
    assert fields | set(NO_SERVE_OPTION) == SETUP_FIELDS and not fields & set(NO_SERVE_OPTION)


def test_a_refusal_is_said_in_chinese_too() -> None:
    done = subprocess.run([sys.executable, "-m", "simulator", "serve", "--port", "0", "--lang",
                           "zh", "--lesson", "hello", "--tls"], capture_output=True,
                          timeout=GUARD, check=False)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == say("zh", "serve", "lesson-conflict",
                                               lesson="hello", option="--tls")


def test_the_lessons_setup_is_the_server_students_meet() -> None:
    with serve_process("--lesson", "size") as (proc, port):  # max_size = 10000
        assert b"250-SIZE 10000\r\n" in nc(port, b"EHLO a.example\nQUIT\n")
        proc.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_in_process_a_student_and_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.cli.command import main

    port, told = _free_port(), []

    def student() -> None:
        deadline = time.monotonic() + GUARD
        while time.monotonic() < deadline:
            try:
                client = smtplib.SMTP("127.0.0.1", port, local_hostname="fay.example",
                                      timeout=GUARD)
                break
            except OSError:
                time.sleep(0.05)
        client.ehlo()
        told.append(client.quit())
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=student)
    thread.start()
    try:
        assert main(["serve", "--port", str(port), "--lesson", "hello", "--lang", "zh"]) == 0
    finally:
        thread.join(GUARD)
    assert told == [(221, bye(3, 3)[4:-2])]
    out = capsys.readouterr().out
    assert "fay.example 完成了步骤 quit（已完成 3/3 步）" in out
    assert "第 hello 课：1 名学生中有 1 名学完了这一课。" in out


def test_the_dashboard_is_told_each_step_s_goal_in_every_language() -> None:
    """The spotlight's goal panel names the steps (not only their ids) under --lesson."""
    from simulator.cli.command import parse_options
    from simulator.faces.serve.lesson import LessonServer, lesson_server

    taught = lesson_server(parse_options(["serve", "--lesson", "first-mail"]), "en")  # type: ignore[arg-type]
    assert isinstance(taught, LessonServer)
    steps = taught.steps()
    assert [step.id for step in steps] == [goal.id for goal in taught.lesson.goals]
    for step in steps:
        assert step.goals["en"] == taught.lesson.text("en").steps[step.id].goal
        assert step.goals["zh"] == taught.lesson.text("zh").steps[step.id].goal
    assert taught.students().lesson is taught.lesson
