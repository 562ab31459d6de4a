"""The near-miss sentence and the hint that reacts to what the learner did, in both languages."""

from __future__ import annotations

import tomllib

import pytest

from simulator.faces.shell.course import replay
from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.course.near import NearMiss
from simulator.lessons.course.notes import near_note, reaction
from simulator.lessons.ui import text
from tests import ROOT

COURSE = load_course(default_course_root())
OPEN = ["EHLO client.example", "MAIL FROM:<carol@example.org>"]


def note(lesson_id: str, lines: list[str], lang: str) -> str:
    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    near = replay(lesson, lines).progress.near
    assert near is not None
    return near_note(lesson, near, lang)


def test_the_sentence_says_why_and_what_counts() -> None:
    text = note("greylisting", [*OPEN, "RCPT TO:<greylist@example.com>",
                                "RCPT TO:<bob@example.com>"], "en")
    assert text.startswith("That 250 was for bob@example.com, not greylist@example.com, "
                           "the address of step 1.")
    assert "Wait out the 5-second delay" in text


def test_the_same_command_sentence_names_both_verbs() -> None:
    text = note("crlf", [":eol lf", "NOOP", ":eol crlf", "HELO client.example"], "en")
    assert "answered HELO" in text and "(NOOP)" in text and "step 2" in text


@pytest.mark.parametrize(("lesson_id", "lines"), [
    ("order", ["RCPT TO:<bob@example.net>"]),
    ("crlf", [":eol lf", "NOOP", ":eol crlf", "HELO client.example"]),
    ("greylisting", [*OPEN, "RCPT TO:<greylist@example.com>", "RCPT TO:<bob@example.com>"]),
    ("addresses", ["EHLO client.example", "MAIL FROM:<alice@example.org>"]),
])
def test_every_note_reads_in_chinese_too(lesson_id: str, lines: list[str]) -> None:
    text = note(lesson_id, lines, "zh")
    assert "这" in text and "{" not in text


def test_a_class_is_described_not_named() -> None:
    lesson = COURSE.find("relay")
    assert lesson is not None
    near = NearMiss("local", "address", 250, "rcpt.accepted", "x@far.example", "class:local")
    assert "one of this server's own domains" in near_note(lesson, near, "en")
    assert "本服务器自己域名下的地址" in near_note(lesson, near, "zh")


@pytest.mark.parametrize(("lines", "goal", "expected"), [
    (["AUTH LOGIN"], "wrong-password", "c3R1ZGVudA=="),
    (["AUTH PLAIN"], "logged-in", "AHN0dWRlbnQAc2VjcmV0"),
    (["AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"], "wrong-password", ":reconnect"),
    (["AUTH PLAIN AHN0dWRlbnQAc2VjcmV0", "AUTH LOGIN"], "wrong-password", "That 503"),
    (["AUTH PLAIN AHN0dWRlbnQAd3Jvbmc="], "logged-in", "secret"),
])
def test_the_hint_fits_the_mechanism_the_learner_chose(lines: list[str], goal: str,
                                                       expected: str) -> None:
    lesson = COURSE.find("auth")
    assert lesson is not None
    run = replay(lesson, ["EHLO client.example", "STARTTLS", "EHLO client.example", *lines])
    text = reaction(lesson, goal, run.progress, "en")
    assert text is not None and expected in text
    assert reaction(lesson, goal, run.progress, "zh") is not None


def test_no_reaction_where_the_step_has_none_for_that_reply() -> None:
    lesson = COURSE.find("hello")
    assert lesson is not None
    ehlo = replay(lesson, ["EHLO client.example"]).progress
    helo = replay(lesson, ["HELO client.example"]).progress
    assert reaction(lesson, "ehlo", ehlo, "en") is None
    assert "EHLO client.example" in (reaction(lesson, "ehlo", helo, "en") or "")


CLASSES = sorted(name.removeprefix("class-") for name in
                 tomllib.loads((ROOT / "lessons" / "ui.zh.toml").read_text("utf-8"))["near-miss"]
                 if name.startswith("class-"))


@pytest.mark.parametrize("kind", CLASSES)
def test_a_class_follows_the_chinese_without_a_space(kind: str) -> None:
    """A Chinese description filled in after Chinese words: no space between them (“不是 本服务器…”
    is how an English template reads, not how Chinese is written); an address keeps its space."""
    lesson = COURSE.find("relay")
    assert lesson is not None
    near = NearMiss("local", "address", 250, "rcpt.accepted", "x@far.example", f"class:{kind}")
    sentence = near_note(lesson, near, "zh")
    description = text(f"near-miss.class-{kind}", "zh")
    assert description in sentence
    before = sentence[sentence.index(description) - 1]
    assert not before.isspace(), sentence
    assert "x@far.example" in sentence


def test_an_address_filled_in_keeps_apart_from_the_chinese() -> None:
    sentence = note("greylisting", [*OPEN, "RCPT TO:<greylist@example.com>",
                                    "RCPT TO:<bob@example.com>"], "zh")
    for address in ("bob@example.com", "greylist@example.com"):
        before = sentence[sentence.index(address) - 1]
        assert not "\u4e00" <= before <= "\u9fff", sentence
