"""``smtp-sim lessons new ID``: a lesson file with every field, numbered after the folder's
last, whose placeholders ``lessons check`` names until written; bad or taken ids refused
(issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.lessons.course import load_course
from simulator.lessons.course.load import LESSON_FIELDS, STEP_FIELDS
from tests.lessons.course.sample import GOOD, write


def folder(tmp_path: Path) -> Path:
    made = write(tmp_path, GOOD)  # 01-demo.toml
    write(tmp_path, GOOD.replace('id = "demo"', 'id = "later"'), "07-later.toml")
    return made


def test_new_makes_the_next_numbered_file_that_loads_and_check_flags_its_placeholders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = folder(tmp_path)
    assert main(["lessons", "new", "reading-a-bounce", "--course", str(course)]) == 0
    made = course / "08-reading-a-bounce.toml"
    assert f"Made {made}." in capsys.readouterr().out
    loaded = load_course(course)
    assert loaded.problems == ()  # every field a lesson needs is there ...
    lesson = loaded.find("reading-a-bounce")
    assert lesson is not None and lesson.number == 8
    text = made.read_text("utf-8")
    for field in (*LESSON_FIELDS - {"solutions"}, *STEP_FIELDS - {"after", "count", "scope",
                                                                  "kind", "answers",
                                                                  "enhanced_optional",
                                                                  "despite"}):
        assert f"{field}" in text
    assert main(["lessons", "check", "--course", str(course)]) == 1  # ... but none is written
    out = capsys.readouterr().out
    for where in ("en.title", "zh.intro", "steps[0].en.hints[2]", "steps[0].zh.goal",
                  "solution[1]", "wrong[0][0]"):
        assert (f"08-reading-a-bounce.toml: {where}: still the placeholder of smtp-sim "
                "lessons new; write it") in out
    assert "'TODO.reply-key' is not a reply key" in out


@pytest.mark.parametrize(("ident", "said"), [
    ("demo", "already has a lesson demo"),
    ("Reading_A_Bounce", "Reading_A_Bounce is not a lesson id"),
    ("two--dashes", "is not a lesson id"),
    ("../escape", "is not a lesson id"),
])
def test_new_refuses_a_taken_or_malformed_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], ident: str, said: str) -> None:
    course = folder(tmp_path)
    before = sorted(path.name for path in course.iterdir())
    assert main(["lessons", "new", ident, "--course", str(course)]) == 2
    assert said in capsys.readouterr().err
    assert sorted(path.name for path in course.iterdir()) == before


def test_new_without_an_id_and_check_with_one_say_how(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lessons", "new"]) == 2
    assert "name the new lesson" in capsys.readouterr().err
    assert main(["lessons", "check", "stray"]) == 2
    assert "takes no ID" in capsys.readouterr().err


def test_a_written_lesson_from_the_template_is_clean(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    course = folder(tmp_path)
    assert main(["lessons", "new", "written", "--course", str(course)]) == 0
    made = course / "08-written.toml"
    made.write_text(GOOD.replace('id = "demo"', 'id = "written"'), "utf-8")
    capsys.readouterr()
    assert main(["lessons", "check", "--course", str(course)]) == 0, capsys.readouterr().out
