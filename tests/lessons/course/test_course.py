"""The shipped course and the linter: every reference solution completes its lesson, every wrong
attempt does not (replayed through the engine), and a teacher's broken lesson is refused with
messages naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.lessons import default_library
from simulator.lessons.course import default_course_root, load_course, missing_goals, replay
from simulator.lessons.course.lint import check_course

COURSE = load_course(default_course_root())
ISSUE_ORDER = ("hello", "crlf", "order", "addresses", "first-mail", "dot-stuffing",
               "transactions", "helo-vs-ehlo", "size", "recipients", "unknown-user", "relay",
               "greylisting", "timeouts", "starttls", "auth", "spam-and-dmarc", "international")
RUNNABLE = len(COURSE.available)
NEEDS = {"unknown-user": ("realistic",), "relay": ("realistic",), "greylisting": ("realistic",),
         "starttls": ("tls",), "auth": ("realistic", "tls", "auth"),
         "spam-and-dmarc": ("realistic",)}
"""What each lesson needs beyond the strict engine's limits and timeouts."""

GOOD = '''id = "demo"
solution = ["EHLO client.example"]
wrong = [["HELO client.example"]]

[[steps]]
id = "ehlo"
check = { verb = "EHLO", code = 250 }
en.goal = "Say EHLO."
en.hints = ["Greet.", "Use EHLO.", "Type: EHLO client.example"]
zh.goal = "发 EHLO。"
zh.hints = ["问好。", "用 EHLO。", "输入：EHLO client.example"]

[en]
title = "Demo"
intro = "A demo lesson."
summary = "You said EHLO."

[zh]
title = "示例"
intro = "一节示例课。"
summary = "你发了 EHLO。"
'''


def write(tmp_path: Path, text: str, name: str = "01-demo.toml") -> Path:
    folder = tmp_path / "course"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_course_has_the_issue_lessons_in_order() -> None:
    assert COURSE.problems == ()
    assert tuple(lesson.id for lesson in COURSE.lessons) == ISSUE_ORDER
    assert [lesson.number for lesson in COURSE.lessons] == list(range(1, 19))


@pytest.mark.parametrize("features", [
    frozenset({"strict", "limits", "idle-timeout"}),
    frozenset({"strict", "limits", "idle-timeout", "realistic"}),
    frozenset({"strict", "limits", "idle-timeout", "tls"}),
])
def test_only_lessons_the_engine_can_run_are_offered(
        features: frozenset[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.lessons.course.setup.ENGINE_FEATURES", features)
    course = load_course(default_course_root())
    waiting = {lesson.id: lesson.needs for lesson in course.lessons if not lesson.available}
    expected = {lesson: tuple(n for n in needs if n not in features)
                for lesson, needs in NEEDS.items()}
    assert waiting == {lesson: needs for lesson, needs in expected.items() if needs}
    assert all(course.find(lesson) is None for lesson in waiting)
    assert course.find("14") is course.find("timeouts") is not None


def test_this_engine_runs_every_lesson() -> None:
    """With the scenarios, STARTTLS and AUTH in the engine, the whole course is offered."""
    assert COURSE.available == COURSE.lessons


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_the_reference_solution_completes_the_lesson(lesson: object) -> None:
    from simulator.lessons.course import Lesson

    assert isinstance(lesson, Lesson)
    assert missing_goals(lesson, replay(lesson, lesson.solution.lines).progress) == ()
    for attempt in lesson.wrong:
        assert missing_goals(lesson, replay(lesson, attempt.lines).progress) != ()


def test_every_step_has_three_hints_in_every_language() -> None:
    for lesson in COURSE.lessons:
        for text in lesson.texts.values():
            assert all(len(step.hints) >= 3 for step in text.steps.values())
        assert set(lesson.texts) == {"en", "zh"}


def test_lessons_check_replays_the_course(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lessons", "check"]) == 0
    out = capsys.readouterr().out
    assert f"course: 18 lessons, {RUNNABLE} runnable" in out


def test_lessons_check_course_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path, GOOD)
    assert main(["lessons", "check", "--course", str(folder)]) == 0
    assert "1 lessons, 1 runnable" in capsys.readouterr().out


def test_a_solution_that_does_not_complete_is_reported(tmp_path: Path) -> None:
    folder = write(tmp_path, GOOD.replace('solution = ["EHLO client.example"]',
                                          'solution = ["HELO client.example"]'))
    assert check_course(folder) == [
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
])
def test_a_broken_lesson_names_file_and_field(tmp_path: Path, old: str, new: str,
                                              problem: str) -> None:
    assert old in GOOD
    problems = check_course(write(tmp_path, GOOD.replace(old, new)))
    assert any(found.startswith(problem) for found in problems), problems


def test_a_refused_lesson_is_not_in_the_course(tmp_path: Path) -> None:
    folder = write(tmp_path, "id = [", "02-broken.toml")
    write(tmp_path, GOOD)
    course = load_course(folder)
    assert [lesson.id for lesson in course.lessons] == ["demo"]
    assert course.problems[0].startswith("02-broken.toml: not valid TOML")


def test_ids_and_numbers_are_unique(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    folder = write(tmp_path, GOOD.replace('id = "demo"', 'id = "demo-two"'), "01-demo-two.toml")
    problems = check_course(folder)
    assert problems == ["01-demo.toml: number 01 is also used by 01-demo-two.toml"]


def test_a_bad_file_name_is_refused(tmp_path: Path) -> None:
    assert check_course(write(tmp_path, GOOD, "demo.toml"))[0].startswith(
        "demo.toml: the file name must be NN-ID.toml")


def test_a_lesson_needing_what_the_engine_lacks_is_kept_but_not_offered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.lessons.course.setup.ENGINE_FEATURES", frozenset({"strict"}))
    folder = write(tmp_path, GOOD + '\n[setup]\ntls = "required"\n')
    course = load_course(folder)
    assert course.problems == () and course.lessons[0].needs == ("tls",)
    assert course.available == ()
    assert check_course(folder) == []


def test_the_learn_words_exist_in_every_language() -> None:
    library = default_library()
    en, zh = (library.table("ui", lang, "learn") for lang in ("en", "zh"))
    assert len(en) > 30 and set(en) == set(zh)
