"""Loading a course folder: the shipped lessons in order, and a file that is not valid TOML is
left out with a problem that names it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.course.load import MAX_LESSON_FILE
from tests.hostile_files import KINDS, make
from tests.lessons.course.sample import GOOD, write

COURSE = load_course(default_course_root())


ISSUE_ORDER = ("hello", "crlf", "order", "addresses", "first-mail", "dot-stuffing",
               "transactions", "helo-vs-ehlo", "size", "recipients", "unknown-user", "relay",
               "greylisting", "timeouts", "starttls", "auth", "spam-and-dmarc", "international",
               "mx-lookup", "submission-ports", "app-password", "sender-mismatch",
               "required-headers", "encoded-words", "envelope-vs-header", "pipelining", "spf",
               "dkim-and-dmarc", "reading-a-bounce", "rate-limit-and-retry", "smuggling",
               "capstone")  # issue 22


def test_the_course_has_the_issue_lessons_each_named_by_its_number_and_id() -> None:
    assert COURSE.problems == ()
    ids = [lesson.id for lesson in COURSE.lessons]
    assert set(ISSUE_ORDER) <= set(ids)  # a lesson added later may go anywhere
    assert len(set(ids)) == len(ids)
    assert len({lesson.number for lesson in COURSE.lessons}) == len(ids)
    for lesson in COURSE.lessons:
        assert Path(lesson.path).name == f"{lesson.number:02d}-{lesson.id}.toml"


def test_a_refused_lesson_is_not_in_the_course(tmp_path: Path) -> None:
    folder = write(tmp_path, "id = [", "02-broken.toml")
    write(tmp_path, GOOD)
    course = load_course(folder)
    assert [lesson.id for lesson in course.lessons] == ["demo"]
    assert course.problems[0].startswith("02-broken.toml: not valid TOML")


@pytest.mark.parametrize("kind", KINDS)
def test_a_lesson_that_is_not_a_small_toml_file_is_a_problem_naming_it(
        tmp_path: Path, kind: str) -> None:
    folder = write(tmp_path, GOOD)
    make(kind, folder / "02-odd.toml")
    started = time.monotonic()
    course = load_course(folder)
    assert time.monotonic() - started < 2
    assert [lesson.id for lesson in course.lessons] == ["demo"]
    assert len(course.problems) == 1 and course.problems[0].startswith("02-odd.toml")
    assert ("nested more than" if kind == "deep" else "not a regular file") in course.problems[0]


def test_a_lesson_past_the_limit_is_a_problem_with_the_limit(tmp_path: Path) -> None:
    folder = write(tmp_path, GOOD + "#" * MAX_LESSON_FILE)
    course = load_course(folder)
    assert course.lessons == ()
    assert course.problems == (f"01-demo.toml is larger than {MAX_LESSON_FILE} octets, the most "
                               "smtp-sim reads from a file of its kind; make it smaller or "
                               "split it",)
