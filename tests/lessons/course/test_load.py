"""Loading a course folder: the shipped lessons in order, and a file that is not valid TOML is
left out with a problem that names it."""

from __future__ import annotations

from pathlib import Path

from simulator.lessons.course import default_course_root, load_course
from tests.lessons.course.sample import GOOD, write

COURSE = load_course(default_course_root())


ISSUE_ORDER = ("hello", "crlf", "order", "addresses", "first-mail", "dot-stuffing",
               "transactions", "helo-vs-ehlo", "size", "recipients", "unknown-user", "relay",
               "greylisting", "timeouts", "starttls", "auth", "spam-and-dmarc", "international")


def test_the_course_has_the_issue_lessons_in_order() -> None:
    assert COURSE.problems == ()
    assert tuple(lesson.id for lesson in COURSE.lessons) == ISSUE_ORDER
    assert [lesson.number for lesson in COURSE.lessons] == list(range(1, 19))


def test_a_refused_lesson_is_not_in_the_course(tmp_path: Path) -> None:
    folder = write(tmp_path, "id = [", "02-broken.toml")
    write(tmp_path, GOOD)
    course = load_course(folder)
    assert [lesson.id for lesson in course.lessons] == ["demo"]
    assert course.problems[0].startswith("02-broken.toml: not valid TOML")
