"""The course linter: a solution that does not complete its lesson, a wrong attempt that does,
and a teacher's broken lesson are each reported naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.faces.shell.course import replay
from simulator.lessons.course.lint import check_course
from tests.lessons.course.sample import GOOD, write


def test_lessons_check_course_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path, GOOD)
    assert main(["lessons", "check", "--course", str(folder)]) == 0
    assert "1 lessons, 1 runnable" in capsys.readouterr().out


def test_a_solution_that_does_not_complete_is_reported(tmp_path: Path) -> None:
    folder = write(tmp_path, GOOD.replace('solution = ["EHLO client.example"]',
                                          'solution = ["HELO client.example"]'))
    assert check_course(folder, replay) == [
        "01-demo.toml: solution: does not complete the lesson (steps not met: ehlo)"]


def test_a_wrong_attempt_that_completes_is_reported(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path, GOOD.replace('wrong = [["HELO client.example"]]',
                                          'wrong = [["EHLO other.example"]]'))
    assert main(["lessons", "check", "--course", str(folder)]) == 1
    assert "01-demo.toml: wrong[0]: completes the lesson" in capsys.readouterr().out


@pytest.mark.parametrize(("old", "new", "problem"), [
    ('zh.hints = ["问好。", "用 EHLO。", "输入：EHLO client.example"]', 'zh.hints = ["问好。"]',
     "01-demo.toml: steps[0].zh.hints: expected at least 3 hints"),
    ('zh.goal = "发 EHLO。"', 'zh.goal = "Say EHLO."', "01-demo.toml: steps[0].zh.goal: has no Chinese text"),
    ('check = { verb = "EHLO", code = 250 }', 'check = { verb = "EHLO", code = "250" }',
     "01-demo.toml: steps[0].check.code: expected a whole number"),
    ('check = { verb = "EHLO", code = 250 }', 'check = { code = 250, in_group = "yes" }',
     "01-demo.toml: steps[0].check.in_group: expected true or false"),
    ('check = { verb = "EHLO", code = 250 }', 'check = { code = 250, without = "" }',
     "01-demo.toml: steps[0].check.without: expected a non-empty string"),
    ('check = { verb = "EHLO", code = 250 }', 'check = { key = "no.such-key" }',
     "01-demo.toml: steps[0].check.key: 'no.such-key' is not a reply key"),
    ('id = "demo"', 'id = "other"', "01-demo.toml: id: must be 'demo'"),
    ('summary = "你发了 EHLO。"', 'summary = "你发了 EHLO。"\n[setup]\nmax_sise = 10',
     "01-demo.toml: setup.max_sise: unknown field"),
    ('summary = "你发了 EHLO。"', 'summary = "你发了 EHLO。"\n[setup]\ntls = "maybe"',
     "01-demo.toml: setup.tls: expected one of"),
    ('solution = ["EHLO client.example"]', 'solution = [":pause soon"]',
     "01-demo.toml: solution: line 1: :pause takes 0 to 3600 seconds, not 'soon'"),
    ('[zh]\ntitle = "示例"', '[zh]\ntitle = ""', "01-demo.toml: zh.title: expected a non-empty string"),
    ('id = "ehlo"\ncheck', 'id = "ehlo"\nafter = ["later"]\ncheck',
     "01-demo.toml: steps[0].after: 'later' is not an earlier step"),
    ('check = { verb = "EHLO", code = 250 }', 'check = { code = 250, same = "later" }',
     "01-demo.toml: steps[0].check: refers to 'later', which is not an earlier step"),
    ('check = { verb = "EHLO", code = 250 }', 'check = { address = { class = "nearby" } }',
     "01-demo.toml: steps[0].check.address: expected an address, { class = NAME }"),
    ('check = { verb = "EHLO", code = 250 }',
     'check = { message = { recipient = { step = "x", class = "local" } } }',
     "01-demo.toml: steps[0].check.message.recipient: expected an address"),
    ('check = { verb = "EHLO", code = 250 }',
     'check = { code = 250, address = "bob@example.net" }',
     "01-demo.toml: steps[0].check: names the address bob@example.net that the en goal"),
    ('zh.hints = ["问好。", "用 EHLO。", "输入：EHLO client.example"]',
     'zh.hints = ["问好。", "用 EHLO。", "输入：EHLO client.example"]\nzh.react = { "no.key" = "x" }',
     "01-demo.toml: steps[0].zh.react: 'no.key' is not a reply key"),
    ('zh.hints = ["问好。", "用 EHLO。", "输入：EHLO client.example"]',
     'zh.hints = ["问好。", "用 EHLO。", "输入：EHLO client.example"]\nzh.react = ["x"]',
     "01-demo.toml: steps[0].zh.react: expected a table of reply key = hint text"),
    ('wrong = [["HELO client.example"]]', 'wrong = [["HELO client.example"]]\nsolutions = "EHLO"',
     "01-demo.toml: solutions: expected a list of attempts"),
    ('en.goal = "Say EHLO."', 'en.goal = "Say EHLO: 421."',
     "01-demo.toml: steps[0].en.goal: quotes 421, which this lesson's server never answers"),
    ('summary = "You said EHLO."', 'summary = "You got 553 5.6.7."',
     "01-demo.toml: en.summary: quotes 553 5.6.7, which this lesson's server never answers"),
])
def test_a_broken_lesson_names_file_and_field(tmp_path: Path, old: str, new: str,
                                              problem: str) -> None:
    assert old in GOOD
    problems = check_course(write(tmp_path, GOOD.replace(old, new)), replay)
    assert any(found.startswith(problem) for found in problems), problems


def test_ids_and_numbers_are_unique(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    folder = write(tmp_path, GOOD.replace('id = "demo"', 'id = "demo-two"'), "01-demo-two.toml")
    problems = check_course(folder, replay)
    assert problems == ["01-demo.toml: number 01 is also used by 01-demo-two.toml"]


def test_a_bad_file_name_is_refused(tmp_path: Path) -> None:
    assert check_course(write(tmp_path, GOOD, "demo.toml"), replay)[0].startswith(
        "demo.toml: the file name must be NN-ID.toml")


@pytest.mark.parametrize("goal", [
    'en.goal = "Say EHLO on port 587."',
    'en.goal = "Say EHLO to smtp.example.org:465."',
    'en.goal = "Say EHLO: ports 25, 587 and 465 all greet."',
])
def test_a_port_in_a_goal_is_no_reply_code(tmp_path: Path, goal: str) -> None:
    """Lesson 20 names ports 25, 587 and 465; the linter takes none of them for a code."""
    zh = 'zh.goal = "在 587 端口和 465 端口上发 EHLO。"'
    text = GOOD.replace('en.goal = "Say EHLO."', goal).replace('zh.goal = "发 EHLO。"', zh)
    assert check_course(write(tmp_path, text), replay) == []
    bare = GOOD.replace('en.goal = "Say EHLO."', 'en.goal = "Say EHLO: 587."')
    assert any("quotes 587" in problem for problem in check_course(write(tmp_path, bare), replay))
