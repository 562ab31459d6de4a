"""A quiz step on the learner's road (typed or piped, the guide's ``:answer``), and lesson 29,
reading a bounce: the learner sends to gone@, reads the DSN with :mailbox and answers (issue 22)."""

from __future__ import annotations

import io

import pytest

from simulator.faces.learn.guide import SPECS
from simulator.faces.learn.piped import run_piped
from simulator.faces.learn.progress import ProgressStore
from simulator.lessons.course import Lesson, default_course_root, load_course
from simulator.lessons.course.words import say
from simulator.lessons.ui import text as ui_text
from tests.wording import finished, opening, says, tick

COURSE = load_course(default_course_root())
SEND = ["EHLO client.example", "MAIL FROM:<carol@example.org>", "RCPT TO:<alice@example.com>",
        "RCPT TO:<gone@example.com>", "DATA", "Subject: Minutes", "", "Notes.", "."]


def bounce_lesson() -> Lesson:
    lesson = COURSE.find("reading-a-bounce")
    assert lesson is not None
    return lesson


def play(lines: list[str], lang: str = "en") -> tuple[int, str]:
    lesson = bounce_lesson()
    out = io.StringIO()
    status = run_piped(COURSE, lesson, lang=lang, store=ProgressStore(), out=out,
                       data="".join(f"{line}\n" for line in lines).encode())
    return status, out.getvalue()


def test_lesson_29_is_in_the_refusals_sequence_after_relay() -> None:
    refusals = next(sequence for sequence in COURSE.sequences if sequence.id == "refusals")
    assert refusals.lessons[-1] == "reading-a-bounce"
    lesson = COURSE.find("reading-a-bounce")
    assert lesson is not None and lesson.setup.scenario == "realistic"
    assert [goal.quiz is not None for goal in lesson.goals] == [False, True, True, True]


def test_reading_the_bounce_and_answering_completes_lesson_29() -> None:
    status, out = play([*SEND, ":mailbox 2", ":answer <Gone@example.com>", ":answer 550",
                        ":answer No"])
    assert status == 0, out
    assert "Final-Recipient: rfc822; gone@example.com" in out  # the DSN, read with :mailbox
    question = bounce_lesson().text("en").steps["who"].question
    assert ui_text("course.question", "en", index=2, question=question) in out
    assert out.index(tick(2)) < out.index(tick(3)) < out.index(tick(4))
    assert finished(bounce_lesson()) in out


def test_a_known_wrong_answer_is_explained_and_the_lesson_stays_open() -> None:
    status, out = play([*SEND, ":answer gone@example.com", ":answer 250", ":answer yes"], "zh")
    assert status == 1
    lesson = bounce_lesson()
    code_step = lesson.text("zh").steps[lesson.goals[2].id]
    assert code_step.react["250"] in out  # the author's words for that answer
    assert opening("learn.hint", "zh", level=1, levels=3) in out
    assert opening("learn.incomplete", "zh", number=lesson.place) in out


def test_an_unknown_wrong_answer_says_not_this_one_with_the_hint() -> None:
    status, out = play([*SEND, ":answer bob@example.com"])
    assert status == 1
    first_hint = bounce_lesson().text("en").steps["who"].hints[0]
    assert (say("answer-wrong", "en") + "\n"
            + say("hint", "en", level=1, levels=3, text=first_hint)) in out


def test_an_answer_before_the_question_is_not_counted() -> None:
    status, out = play([":answer gone@example.com", *SEND])
    assert says(out, "learn.answer-no-question", index=1)
    assert status == 1


def test_without_gone_there_is_no_bounce_and_no_question_met() -> None:
    status, out = play(["EHLO client.example", "MAIL FROM:<carol@example.org>",
                        "RCPT TO:<alice@example.com>", "DATA", "Subject: Hi", "", "x", ".",
                        ":answer gone@example.com"])
    assert status == 1 and tick(2) not in out


def test_answer_is_a_lesson_command_for_help_and_completion() -> None:
    assert any(spec.name == "answer" for spec in SPECS)
    status, out = play([":help answer"])
    assert ":answer TEXT" in out and say("help-answer", "en") in out
    assert status == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_goal_panel_shows_the_question_of_the_current_quiz_step(lang: str) -> None:
    from simulator.faces.learn.panel import goal_panel
    from simulator.lessons.course import Progress
    from simulator.render.fragments import to_plain

    lesson = COURSE.find("reading-a-bounce")
    assert lesson is not None
    text = to_plain(goal_panel(lesson, Progress(met=("sent",)), lang))
    question = lesson.text(lang).steps["who"].question
    assert question in text
    assert text.index("2.") < text.index(question) < text.index("3.")


def test_answer_is_completed_and_highlighted_as_the_other_lesson_commands() -> None:
    from simulator.faces.prompt.completion import CompletionContext, suggestions
    from simulator.faces.prompt.lexer import tokenize
    from simulator.faces.shell.meta import KNOWN
    from simulator.faces.shell.meta import SPECS as CONSOLE

    offered = suggestions(":ans", CompletionContext(metas=(*CONSOLE, *SPECS)))
    assert [suggestion.text for suggestion in offered] == [":answer"]
    names = (*KNOWN, *(f":{spec.name}" for spec in SPECS))
    assert tokenize(":answer 550 5.1.1", metas=names)[0] == ("class:meta", ":answer")
