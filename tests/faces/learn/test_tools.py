"""The look-up commands inside a lesson (``:mailbox``, ``:explain``) and ``:save``: what the
learner sees, escaped, and a clear message for a wrong argument."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from simulator.faces.learn.tools import save_transcript, tool_fragments
from simulator.lessons.course import Check, Goal
from simulator.lessons.course.replay import replay
from simulator.render import to_plain
from tests.hostile_files import fifo
from tests.lessons.course.sample import lesson

TARGET = lesson(Goal("sent", Check(keys=("data.accepted",))))


def test_the_mailbox_lists_and_shows_the_accepted_messages_escaped() -> None:
    run = replay(TARGET, [])
    assert to_plain(tool_fragments(":mailbox", "", run, "en")).startswith(
        "No message has been accepted in this lesson yet")
    run = replay(TARGET, ["EHLO c.example", "MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA",
                          "Subject: hi \x1b[2J", "", "body", "."])
    listing = to_plain(tool_fragments(":mailbox", "", run, "en"))
    assert "1. <a@x.org> -> <b@y.org>" in listing
    shown = to_plain(tool_fragments(":mailbox", "1", run, "en"))
    assert "Subject: hi \\x1b[2J\n\nbody\n" in shown and "\x1b" not in shown
    missing = to_plain(tool_fragments(":mailbox", "2", run, "en"))
    assert "2" in missing and missing != shown


def test_explain_in_a_lesson_answers_or_says_why_not() -> None:
    run = replay(TARGET, [])
    assert "550" in to_plain(tool_fragments(":explain", "550", run, "en"))
    assert "'abc' is not a reply code" in to_plain(tool_fragments(":explain", "abc", run, "en"))


def test_save_writes_markdown_and_reports_a_failure(tmp_path: Path) -> None:
    assert save_transcript("", [], TARGET, "en")[0] == "save-usage"
    key, _, fields = save_transcript(str(tmp_path / "lesson.md"), [], TARGET, "en")
    assert key == "saved" and fields["count"] == 0
    assert "Lesson 1: Title" in (tmp_path / "lesson.md").read_text(encoding="utf-8")
    assert save_transcript(str(tmp_path / "none" / "x.md"), [], TARGET, "en")[0] == "save-failed"


def test_save_to_a_fifo_nobody_reads_says_so_at_once(tmp_path: Path) -> None:
    """``:save`` onto a FIFO with no reader waited in open() for ever, with the lesson's screen
    frozen (held-out attack on issue 18)."""
    pipe = fifo(tmp_path / "lesson.md")
    said: list[tuple[str, str, dict[str, object]]] = []
    worker = threading.Thread(target=lambda: said.append(save_transcript(str(pipe), [], TARGET,
                                                                         "en")), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # let the stuck writer go, so the test ends
        os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
    assert said, "save_transcript waited on the FIFO"
    key, _, fields = said[0]
    assert key == "save-failed" and "no program reads" in str(fields["error"])
