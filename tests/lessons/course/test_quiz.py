"""Quiz steps (``kind = "quiz"``): answers compared normalized, the tutor met only by a right
``:answer`` to the current question, the loader's and linter's word on a quiz written wrongly
(issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.lessons.course import Check, Goal, Progress
from simulator.lessons.course.load import parse_lesson
from simulator.lessons.course.model import Quiz
from simulator.lessons.course.quiz import accepts, answer, answer_text, normalize
from tests.lessons.course.sample import lesson, write

CODE = Quiz(("550 5.1.1",), enhanced_optional=True)


@pytest.mark.parametrize(("given", "right"), [
    ("550 5.1.1", True), ("  550   5.1.1 ", True), ("550", True), ("550 5.1.1.", True),
    ("5.1.1", False), ("550 5.1.2", False), ("250", False), ("", False),
])
def test_a_code_answer_may_leave_out_the_enhanced_part_where_the_author_says(
        given: str, right: bool) -> None:
    assert accepts(CODE, given) is right


def test_without_the_authors_word_the_enhanced_part_is_required() -> None:
    assert not accepts(Quiz(("550 5.1.1",)), "550")


@pytest.mark.parametrize("given", ["gone@example.com", "<gone@example.com>", "GONE@Example.COM",
                                   " <Gone@example.com> "])
def test_an_address_is_compared_without_case_and_angle_brackets(given: str) -> None:
    assert normalize(given) == "gone@example.com"
    assert accepts(Quiz(("gone@example.com",)), given)


@pytest.mark.parametrize(("line", "text"), [
    (":answer 550 5.1.1", "550 5.1.1"), (":ANSWER  no ", "no"), (":answer", ""),
    (":answers x", None), ("RCPT TO:<a@b.example>", None),
])
def test_the_answer_command_takes_the_rest_of_the_line(line: str, text: str | None) -> None:
    assert answer_text(line) == text


def _quiz_lesson() -> object:
    return lesson(Goal("ehlo", Check(verb="EHLO", code=250)),
                  Goal("code", Check(), quiz=CODE))


def test_an_answer_counts_only_for_the_current_question() -> None:
    target = _quiz_lesson()
    from simulator.lessons.course import Lesson

    assert isinstance(target, Lesson)
    early = answer(target, Progress(), "550 5.1.1")  # step 1 (a reply) is not met yet
    assert early.met == () and early.answered is not None and early.answered.goal == ""
    ready = Progress(met=("ehlo",))
    wrong = answer(target, ready, "250")
    assert wrong.met == ("ehlo",) and wrong.answered is not None
    assert (wrong.answered.goal, wrong.answered.right) == ("code", False)
    right = answer(target, ready, "550")
    assert right.met == ("ehlo", "code") and right.ticked == ("code",)


QUIZ_LESSON = '''id = "quiz"
solution = ["EHLO client.example", ":answer 250"]
solutions = [["EHLO client.example", ":answer 421", ":answer  250 "]]
wrong = [["EHLO client.example", ":answer 421"], [":answer 250", "EHLO client.example"]]

[[steps]]
id = "ehlo"
check = { verb = "EHLO", code = 250 }
en.goal = "Say EHLO."
en.hints = ["Greet.", "Use EHLO.", "Type: EHLO client.example"]
zh.goal = "发 EHLO。"
zh.hints = ["打招呼。", "用 EHLO。", "输入：EHLO client.example"]

[[steps]]
id = "code"
kind = "quiz"
answers = ["250"]
en.goal = "Name the code EHLO got."
en.question = "Which code did the server answer EHLO with?"
en.hints = ["Look at the reply.", "Its first three digits.", "Type :answer 250"]
en.react = { "421" = "421 closes the session; your EHLO was accepted." }
zh.goal = "说出 EHLO 得到的回复码。"
zh.question = "服务器用哪个回复码回答了 EHLO？"
zh.hints = ["看回复。", "看它开头的三位数字。", "输入 :answer 250"]
zh.react = { "421" = "421 会关闭会话；你的 EHLO 已被接受。" }

[en]
title = "Quiz"
intro = "A quiz lesson."
summary = "You read a reply."

[zh]
title = "问答"
intro = "一节问答课。"
summary = "你读懂了一条回复。"
'''


def test_lessons_check_replays_the_answers_of_solutions_and_wrong_attempts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path, QUIZ_LESSON, "01-quiz.toml")
    assert main(["lessons", "check", "--course", str(folder)]) == 0, capsys.readouterr().out
    broken = write(tmp_path, QUIZ_LESSON.replace('":answer 250"]', '":answer 220"]', 1),
                   "01-quiz.toml")
    assert main(["lessons", "check", "--course", str(broken)]) == 1
    assert "01-quiz.toml: solution: does not complete the lesson (steps not met: code)" in (
        capsys.readouterr().out)


@pytest.mark.parametrize(("change", "problem"), [
    (('answers = ["250"]\n', ""), "steps[1].answers: expected a non-empty list of accepted"),
    (('answers = ["250"]', "answers = []"), "steps[1].answers: expected a non-empty list"),
    (('zh.question = "服务器用哪个回复码回答了 EHLO？"\n', ""),
     "steps[1].zh.question: expected a non-empty string"),
    (('kind = "quiz"', 'kind = "quiz"\ncheck = { code = 250 }'),
     "steps[1].check: a quiz step is met by the learner's :answer, not a check"),
    (('kind = "quiz"', 'kind = "riddle"'), "steps[1].kind: expected one of reply, quiz"),
    (('check = { verb = "EHLO", code = 250 }', 'check = { verb = "EHLO" }\nanswers = ["x"]'),
     "steps[0].answers: only a quiz step (kind = \"quiz\") has it"),
])
def test_a_quiz_step_written_wrongly_is_refused_naming_the_field(
        change: tuple[str, str], problem: str) -> None:
    found, problems = parse_lesson("01-quiz.toml", QUIZ_LESSON.replace(*change))
    assert found is None
    assert any(problem in line for line in problems), problems
