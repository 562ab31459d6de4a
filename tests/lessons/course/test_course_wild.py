"""Lessons 30-32 (limits, smuggling, the capstone) on the learner's road: routes a learner
takes, judged by what the server answered and stored; the capstone's explanations stay off
until asked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from simulator.faces.learn.piped import run_piped
from simulator.faces.learn.progress import ProgressStore
from simulator.faces.shell.course import replay
from simulator.lessons.course import default_course_root, load_course
from tests.wording import lesson as find
from tests.wording import met

COURSE = load_course(default_course_root())


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Progress (the piped runs save it) goes to a data directory of the test's own."""
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
T = ["EHLO client.example", "MAIL FROM:<carol@example.org>"]
BODY = ["DATA", "Subject: Hi", "", "Text.", "."]
FOUR = [*T, "RSET", *T[1:], "RSET", *T[1:], "RSET", *T[1:]]
"""Four messages started in a minute: the fourth gets 421 4.7.0 (rate_limit = 3)."""
TICKET = ["EHLO client.example", "MAIL FROM:<alerts@bank.example>",
          "RCPT TO:<oncall@nomail.example>"]


def piped(lesson_id: str, lines: list[str], lang: str = "en") -> tuple[int, str]:
    store = ProgressStore()
    store.load()
    out = io.StringIO()
    status = run_piped(COURSE, find(lesson_id), lang=lang, store=store, out=out,
                       data="".join(f"{line}\n" for line in lines).encode())
    return status, out.getvalue()


def test_the_wild_lessons_are_offered_in_order() -> None:
    numbers = {lesson.id: lesson.number for lesson in COURSE.available}
    assert (numbers["rate-limit-and-retry"], numbers["smuggling"], numbers["capstone"]) == (
        30, 31, 32)


@pytest.mark.parametrize(("lines", "expected"), [
    (FOUR, ("limited",)),
    # reconnecting at once is not waiting: the retry is refused again
    ([*FOUR, ":reconnect", *T, "RCPT TO:<bob@example.com>", *BODY], ("limited",)),
    ([*FOUR, ":pause 61", ":reconnect", *T, "RCPT TO:<bob@example.com>", *BODY],
     ("limited", "retry")),
    # a message delivered before the limit is no retry
    ([*T, "RCPT TO:<bob@example.com>", *BODY, *T[1:], "RSET", *T[1:], "RSET", *T[1:]],
     ("limited",)),
    ([*T, "RCPT TO:<busy@example.org>", "RCPT TO:<full@example.net>", "RSET",
      "MAIL FROM:<carol@example.org> SIZE=10001"], ("busy", "full", "too-big")),
    # a size under the limit is not the 552
    ([*T[:1], "MAIL FROM:<carol@example.org> SIZE=10000"], ()),
])
def test_rate_limit_routes(lines: list[str], expected: tuple[str, ...]) -> None:
    assert met("rate-limit-and-retry", lines) == expected


def test_rate_limit_piped_shows_the_421_and_its_retry() -> None:
    status, out = piped("rate-limit-and-retry", [
        *FOUR, ":pause 61", ":reconnect", *T, "RCPT TO:<bob@example.com>", *BODY])
    assert status == 1  # 450, 452 and 552 are still to do
    assert out.index("<** 421 4.7.0") < out.index("✓ Step 1 done") < out.index(
        "250 2.0.0 OK: message accepted") < out.index("✓ Step 2 done")
    assert "Steps still missing: 3." in out
    lesson = find("rate-limit-and-retry")
    status, out = piped("rate-limit-and-retry", list(lesson.solution.lines))
    assert status == 0 and f"Lesson {lesson.place} complete" in out


SMUGGLE = ["EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
           "DATA", "Subject: harmless", "", "Hello Bob."]


@pytest.mark.parametrize(("lines", "expected"), [
    ([*SMUGGLE, ":eol lf", ".", ":eol crlf", "MAIL FROM:<ceo@example.org>", "."], ("kept",)),
    # a dot after a bare LF is text too: this message is not over yet
    ([*SMUGGLE, ":eol lf", ".", "MAIL FROM:<ceo@example.org>", ":eol crlf", "."], ()),
    ([*SMUGGLE, ":eol lf", "Again.", ":eol crlf", ".", "MAIL FROM:<ceo@example.org>", "."],
     ("kept", "lf-dot")),
    # typed with CRLF: the dot ends the message and MAIL FROM is a real, second command
    ([*SMUGGLE, ".", "MAIL FROM:<ceo@example.org>", "RCPT TO:<bob@example.net>", "DATA", "x",
      "."], ()),
    # MAIL FROM as a text line and a dot-stuffed dot, every line CRLF: nothing smuggled
    ([*SMUGGLE, "..", "MAIL FROM:<ceo@example.org>", "."], ()),
])
def test_smuggling_routes(lines: list[str], expected: tuple[str, ...]) -> None:
    assert met("smuggling", lines) == expected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_smuggling_piped_keeps_one_message_with_the_command_as_text(lang: str) -> None:
    status, out = piped("smuggling", [
        *SMUGGLE, ":eol lf", ".", "MAIL FROM:<ceo@example.org>", ":eol crlf",
        "RCPT TO:<bob@example.net>", ".", ":mailbox", ":mailbox 1"], lang)
    assert status == 1
    assert out.count("250 2.0.0 OK: message accepted") == 1
    assert "250 2.1.0 Sender <ceo@example.org>" not in out  # never run as a command
    assert "MAIL FROM:<ceo@example.org>" in out[out.rindex(":mailbox 1"):]
    assert ("✓ Step 1 done" if lang == "en" else "✓ 第 1 步完成") in out


@pytest.mark.parametrize(("lines", "expected"), [
    # every trap met and each got past: all three at the 250
    ([*TICKET, "RSET", "MAIL FROM:<alerts@example.org>", "RCPT TO:<oncall@nomail.example>",
      "RCPT TO:<oncall@example.net>", "DATA", "From: alerts@bank.example", "Subject: a", "", "b",
      ".", "MAIL FROM:<alerts@example.org>", "RCPT TO:<oncall@example.net>", "DATA",
      "From: alerts@example.org", "Subject: a", "", "b", "."], ("sender", "recipient", "author")),
    # only the SPF trap met, then a clean message: that step alone
    ([*TICKET, "RSET", "MAIL FROM:<alerts@example.org>", "RCPT TO:<oncall@example.net>", "DATA",
      "From: alerts@example.org", "Subject: a", "", "b", "."], ("sender",)),
    # nothing met: a clean message ticks nothing
    (["EHLO client.example", "MAIL FROM:<alerts@example.org>", "RCPT TO:<oncall@example.net>",
      "DATA", "From: alerts@example.org", "Subject: a", "", "b", "."], ()),
    # met, but never through
    ([*TICKET, "RSET", "MAIL FROM:<alerts@example.org>", "RCPT TO:<oncall@nomail.example>"], ()),
])
def test_capstone_routes(lines: list[str], expected: tuple[str, ...]) -> None:
    assert met("capstone", lines) == expected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_capstone_explains_nothing_until_asked(lang: str) -> None:
    """:detail none, set by the lesson: no reply is explained (the 250s, the 550, the 556)
    except the one the learner asked about with :more."""
    status, out = piped("capstone", [*TICKET, ":more", "RSET", "MAIL FROM:<alerts@example.org>",
                                     "RCPT TO:<oncall@nomail.example>"], lang)
    assert status == 1
    why = "  Why: " if lang == "en" else "  原因："
    refused, asked, reset = (out.index(mark) for mark in ("<** 550 5.7.23", "smtp> :more",
                                                          " -> RSET"))
    assert refused < asked < reset
    assert why not in out[:asked]
    assert out.count(why) == 1 and why in out[asked:reset]
    assert "SPF" in out[asked:reset]
    assert "<** 556 5.1.10" in out[reset:] and why not in out[reset:]


def test_the_capstone_works_on_the_refusal_met_last() -> None:
    """All three steps tick at one 250, so the step the panel calls current (and :hint
    explains) is the one whose refusal the learner met last, not always the first."""
    from simulator.lessons.course import current_goal

    lesson = find("capstone")
    run = [*TICKET]
    assert current_goal(lesson, replay(lesson, run).progress).id == "sender"
    run += ["RSET", "MAIL FROM:<alerts@example.org>", "RCPT TO:<oncall@nomail.example>"]
    assert current_goal(lesson, replay(lesson, run).progress).id == "recipient"
    run += ["RCPT TO:<oncall@example.net>", "DATA", "From: alerts@bank.example", "", "x", "."]
    assert current_goal(lesson, replay(lesson, run).progress).id == "author"
    assert current_goal(lesson, replay(lesson, ["EHLO client.example"]).progress).id == "sender"


async def test_the_capstones_detail_none_is_its_own_typed() -> None:
    """Typed in the lesson app: the capstone starts with explanations off whatever the
    learner had, and the lesson taken after it explains again."""
    from tests.faces.learn.test_app import drive

    text = await drive("EHLO client.example", ":lessons 1", "EHLO client.example",
                       lesson="capstone")
    switched = text.index("<-  220", 1)  # lesson 1's own greeting
    assert "  Next: " not in text[:switched]
    assert "  Next: " in text[switched:]
