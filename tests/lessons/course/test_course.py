"""The shipped course: every reference solution completes its lesson, every wrong attempt does
not (replayed through the engine), every step has its hints, and ``lessons check`` replays it all."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.faces.shell.course import replay
from simulator.lessons.course import default_course_root, load_course, missing_goals

COURSE = load_course(default_course_root())
RUNNABLE = len(COURSE.available)


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_the_reference_solution_completes_the_lesson(lesson: object) -> None:
    from simulator.lessons.course import Lesson

    assert isinstance(lesson, Lesson)
    assert missing_goals(lesson, replay(lesson, lesson.solution.lines).progress) == ()
    for attempt in lesson.wrong:
        assert missing_goals(lesson, replay(lesson, attempt.lines).progress) != ()


def test_every_step_has_three_hints_in_every_language() -> None:
    for lesson in COURSE.lessons:
        for text in lesson.texts.values():
            assert all(len(step.hints) >= 3 for step in text.steps.values())
        assert set(lesson.texts) == {"en", "zh"}


def test_lessons_check_replays_the_course(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lessons", "check"]) == 0
    out = capsys.readouterr().out
    assert f"course: {len(COURSE.lessons)} lessons, {RUNNABLE} runnable" in out




# -- the routes of issue 19: a learner's own correct way completes, a wrong way does not --------

T = ["EHLO client.example", "MAIL FROM:<carol@example.org>"]
TLS_AUTH = ["EHLO client.example", "STARTTLS", "EHLO client.example"]
BODY = ["DATA", "Subject: Hi", "", "Text.", "."]

ISSUE_ROUTES = [
    ("crlf", [":eol lf", "HELO client.example", ":eol crlf", "HELO client.example"], True),
    ("crlf", [":eol lf", "NOOP", ":eol crlf", "NOOP"], True),
    ("crlf", [":eol lf", "NOOP", ":eol crlf", "HELO client.example"], False),
    ("addresses", ["EHLO client.example", "MAIL FROM:<alice@example.org>",
                   "RCPT TO:bob@example.net", "RCPT TO: <bob@example.net>",
                   "RCPT TO:<bob@example.net>"], True),
    ("helo-vs-ehlo", ["HELO client.example", "MAIL FROM:<alice@example.org> BODY=8BITMIME",
                      "EHLO client.example", "MAIL FROM:<alice@example.org> BODY=8BITMIME"], True),
    ("unknown-user", [*T, "RCPT TO:<nobody@example.com>", "RCPT TO:<bob@example.org>", *BODY],
     True),
    ("unknown-user", [*T, "RCPT TO:<alice@example.com>", "RCPT TO:<nobody@example.com>", *BODY],
     True),
    ("relay", [*T, "RCPT TO:<friend@elsewhere.example>", "RCPT TO:<dave@example.org>", *BODY],
     True),
    ("greylisting", [*T, "RCPT TO:<greylist@example.com>", "RCPT TO:<bob@example.com>", *BODY],
     False),
    ("auth", [*TLS_AUTH, "AUTH LOGIN", "c3R1ZGVudA==", "d3Jvbmc=", "AUTH LOGIN", "c3R1ZGVudA==",
              "c2VjcmV0", "MAIL FROM:<student@example.com>", "RCPT TO:<friend@elsewhere.example>",
              *BODY], True),
    ("auth", [*TLS_AUTH, "AUTH PLAIN", "AHN0dWRlbnQAd3Jvbmc=", "AUTH PLAIN",
              "AHN0dWRlbnQAc2VjcmV0", "MAIL FROM:<student@example.com>",
              "RCPT TO:<pal@far-away.example>", *BODY], True),
    ("international", ["EHLO client.example", "MAIL FROM:<用户@example.org>",
                       "MAIL FROM:<用户@example.org> SMTPUTF8", "RCPT TO:<bob@example.net>",
                       "DATA", "Subject: hi", "", "你好！", "."], True),
    ("international", ["EHLO client.example", "MAIL FROM:<用户@example.org>",
                       "MAIL FROM:<用户@example.org> SMTPUTF8", "RSET",
                       "MAIL FROM:<alice@example.org> BODY=8BITMIME", "RCPT TO:<bob@example.net>",
                       "DATA", "Subject: hi", "", "Grüße", "."], True),
]


@pytest.mark.parametrize(("lesson_id", "lines", "completes"), ISSUE_ROUTES)
def test_a_learners_own_route_is_judged_by_the_servers_answer(
        lesson_id: str, lines: list[str], completes: bool) -> None:
    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    assert (missing_goals(lesson, replay(lesson, lines).progress) == ()) is completes


def test_greylisting_does_not_tick_the_retry_for_another_recipient() -> None:
    lesson = COURSE.find("greylisting")
    assert lesson is not None
    run = replay(lesson, [*T, "RCPT TO:<greylist@example.com>", "RCPT TO:<bob@example.com>"])
    assert run.progress.met == ("greylisted",)


def test_every_lesson_carries_three_solutions_and_they_all_complete_it() -> None:
    for lesson in COURSE.available:
        assert len(lesson.solutions) >= 3, lesson.id
        for attempt in lesson.solutions:
            assert missing_goals(lesson, replay(lesson, attempt.lines).progress) == (), lesson.id


def test_lessons_check_fails_when_any_solution_does_not_complete(tmp_path: Path) -> None:
    source = default_course_root() / "02-crlf.toml"
    text = source.read_text(encoding="utf-8").replace(
        'solutions = [\n', 'solutions = [\n  [":eol lf", "NOOP", ":eol crlf", "QUIT"],\n', 1)
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "02-crlf.toml").write_text(text, encoding="utf-8")
    from simulator.lessons.course.lint import check_course

    assert check_course(folder, replay) == [
        "02-crlf.toml: solutions[0]: does not complete the lesson (steps not met: crlf)"]
