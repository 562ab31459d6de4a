"""The course model: finding a lesson by id or number (its place in the course), what is offered, a lesson's text in the
learner's language."""

from __future__ import annotations

from dataclasses import replace

from simulator.lessons.course import Check, Course, Goal
from tests.lessons.course.sample import lesson


def course() -> Course:
    first = replace(lesson(Goal("ehlo", Check(verb="EHLO", code=250))), place=1)
    second = replace(first, number=2, id="tls", path="02-tls.toml", needs=("tls",), place=2)
    third = replace(first, number=12, id="relay", path="12-relay.toml", place=3)
    return Course("course", (first, second, third))


def test_a_lesson_is_found_by_id_or_by_number_with_or_without_its_zero() -> None:
    found = course()
    assert found.find("test") is found.find("1") is found.find("01") is found.lessons[0]
    assert found.find("3") is found.find("03") is found.find("relay") is found.lessons[2]
    assert found.find("12") is None  # the number is its place in the course, not its file's
    assert found.find("nothing") is None


def test_a_lesson_the_engine_cannot_run_is_found_only_when_asked_for() -> None:
    found = course()
    assert [lesson.id for lesson in found.available] == ["test", "relay"]
    assert found.find("tls") is None and found.find("2") is None
    assert found.find("tls", include_unavailable=True) is found.lessons[1]


def test_a_lesson_text_falls_back_when_the_language_is_missing() -> None:
    only = lesson(Goal("ehlo", Check(verb="EHLO")))
    english = replace(only, texts={"en": only.texts["en"]})
    assert english.text("fr") is english.text("en")
    assert english.goal("ehlo").check == Check(verb="EHLO")
