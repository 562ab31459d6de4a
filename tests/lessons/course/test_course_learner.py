"""Lessons 18, 24, 25 and 26 played by a learner who reads only the screen: a route that does
what a step says completes it, and a route that breaks the step's own words ("still without
SMTPUTF8", "two RCPT TO", "end the group with DATA") does not, whatever the server answered."""

from __future__ import annotations

import pytest

from simulator.faces.shell.course import replay
from simulator.lessons.course import default_course_root, load_course, missing_goals
from simulator.lessons.course.notes import near_note, reaction
from tests.wording import met

COURSE = load_course(default_course_root())

EHLO = "EHLO client.example"
SENT = ["DATA", "Subject: Hi", "", "Text.", "."]
RAW_THEN_ENCODED = [EHLO, "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>", "DATA",
                    "Subject: 你好", "", "raw", ".", "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<bob@example.net>", "DATA", "Subject: =?UTF-8?B?5L2g5aW9?=", "",
                    "encoded", ".", "MAIL FROM:<alice@例子.中国>"]
GROUP = [":pipeline", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.com>",
         "RCPT TO:<nobody@example.com>", "RCPT TO:<carol@example.com>"]


def completes(lesson_id: str, lines: list[str]) -> bool:
    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    return missing_goals(lesson, replay(lesson, lines).progress) == ()


# -- lesson 24: "Write the same domain as its A-label ... still without SMTPUTF8" ------------

@pytest.mark.parametrize("tail", [
    ["MAIL FROM:<alice@xn--fsqu00a.xn--fiqs8s> SMTPUTF8"],
    ["mail from:<alice@xn--fsqu00a.xn--fiqs8s> smtputf8 body=8bitmime"],
    # the parameter on the transaction's MAIL FROM is in force for its RCPT TO too
    ["MAIL FROM:<alice@example.org> SMTPUTF8", "RCPT TO:<bob@xn--fsqu00a.xn--fiqs8s>"],
])
def test_the_a_label_with_smtputf8_in_force_does_not_count(tail: list[str]) -> None:
    assert "a-label" not in met("encoded-words", [*RAW_THEN_ENCODED, *tail])


@pytest.mark.parametrize("tail", [
    ["MAIL FROM:<alice@XN--FSQU00A.XN--FIQS8S>"],
    ["mail from:<alice@example.org> body=8bitmime", "rcpt to:<bob@xn--fsqu00a.xn--fiqs8s>"],
    # a transaction with SMTPUTF8, then RSET: the next one is without it again
    ["MAIL FROM:<alice@example.org> SMTPUTF8", "RSET", "MAIL FROM:<alice@example.org>",
     "RCPT TO:<bob@xn--fsqu00a.xn--fiqs8s>"],
    # a message sent with SMTPUTF8 ends its transaction; the next MAIL FROM is plain
    ["MAIL FROM:<alice@example.org> SMTPUTF8", "RCPT TO:<bob@example.net>", *SENT,
     "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@xn--fsqu00a.xn--fiqs8s>"],
])
def test_the_a_label_without_smtputf8_counts(tail: list[str]) -> None:
    assert completes("encoded-words", [*RAW_THEN_ENCODED, *tail])


# -- lesson 25: "Send one message to two recipients (two RCPT TO) whose To: line names only
# the first" ------------------------------------------------------------------------------

def test_one_recipient_and_a_to_line_naming_another_is_no_blind_copy() -> None:
    lines = [EHLO, "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>", "DATA",
             "To: dave@example.net", "Subject: one", "", "hi", "."]
    assert "blind" not in met("envelope-vs-header", lines)


def test_two_recipients_with_the_first_named_in_lower_case_headers_is_a_blind_copy() -> None:
    lines = [EHLO, "mail from:<alice@example.org>", "rcpt to:<bob@example.net>",
             "rcpt to:<carol@example.net>", "data", "to: Bob <BOB@example.net>",
             "subject: bcc", "", "hi", "."]
    assert "blind" in met("envelope-vs-header", lines)


# -- lesson 26: "End the group with DATA and send nothing more" ------------------------------

def test_data_typed_on_its_own_after_the_group_does_not_end_the_group() -> None:
    lines = [EHLO, *GROUP, ":end", "DATA", "Subject: x", "", "x", "."]
    assert met("pipelining", lines) == ("mixed",)


def test_data_as_the_last_line_of_the_group_ends_it() -> None:
    lines = [EHLO, *[line.lower() for line in GROUP], "data", ":end", "subject: x", "", "x", "."]
    assert completes("pipelining", lines)


# -- what the screen says when such a route does not count ------------------------------------

def note(lesson_id: str, lines: list[str], lang: str) -> str:
    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    near = replay(lesson, lines).progress.near
    assert near is not None
    return near_note(lesson, near, lang)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["came with SMTPUTF8 in force", "step 4", "RSET", "no SMTPUTF8"]),
    ("zh", ["SMTPUTF8 仍然有效", "第 4 步", "RSET"]),
])
def test_the_a_label_with_smtputf8_is_told_to_leave_it_out(lang: str, words: list[str]) -> None:
    text = note("encoded-words", [*RAW_THEN_ENCODED, "MAIL FROM:<alice@example.org> SMTPUTF8",
                                  "RCPT TO:<bob@xn--fsqu00a.xn--fiqs8s>"], lang)
    assert all(word in text for word in words), text


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["That 354 answered a line you sent on its own", "step 2", ":pipeline"]),
    ("zh", ["这个 354 回复的是你单独发出的一行", "第 2 步", ":pipeline"]),
])
def test_data_on_its_own_is_told_to_end_the_group(lang: str, words: list[str]) -> None:
    text = note("pipelining", [EHLO, *GROUP, ":end", "DATA"], lang)
    assert all(word in text for word in words), text


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["BODY=8BITMIME nor SMTPUTF8", "MAIL FROM:<alice@example.org> BODY=8BITMIME"]),
    ("zh", ["既没有 BODY=8BITMIME 也没有 SMTPUTF8", "MAIL FROM:<alice@example.org> BODY=8BITMIME"]),
])
def test_an_undeclared_8bit_body_gets_a_hint_that_says_why(lang: str, words: list[str]) -> None:
    lesson = COURSE.find("international")
    assert lesson is not None
    progress = replay(lesson, [EHLO, "MAIL FROM:<用户@example.org>",
                               "MAIL FROM:<用户@example.org> SMTPUTF8", "RSET",
                               "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
                               "DATA", "Subject: hi", "", "你好", "."]).progress
    assert progress.met == ("needs-smtputf8", "smtputf8")
    text = reaction(lesson, "delivered", progress, lang)
    assert text is not None and all(word in text for word in words), text
