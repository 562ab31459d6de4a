"""sequences.toml: the course's order, and the linter's word on lessons in no sequence, in two,
or listed but missing (issue 22). Each case runs on a temporary course folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.faces.learn.panel import next_lesson
from simulator.faces.shell.course import replay
from simulator.lessons.course import load_course
from simulator.lessons.course.lint import check_course
from tests import ROOT
from tests.lessons.course.sample import GOOD, write

SEQUENCES = '''
[[sequence]]
id = "first"
lessons = ["gamma", "alpha"]
en = { title = "First steps", summary = "The start." }
zh = { title = "第一步", summary = "开始。" }

[[sequence]]
id = "second"
lessons = ["beta"]
en = { title = "Next steps", summary = "Then this." }
zh = { title = "下一步", summary = "然后是这个。" }
'''


def course_dir(tmp_path: Path, sequences: str | None = SEQUENCES,
               ids: tuple[str, ...] = ("alpha", "beta", "gamma")) -> Path:
    folder = tmp_path / "course"
    for number, name in enumerate(ids, 1):
        folder = write(tmp_path, GOOD.replace('id = "demo"', f'id = "{name}"'),
                       f"{number:02d}-{name}.toml")
    if sequences is not None:
        (folder / "sequences.toml").write_text(sequences, encoding="utf-8")
    return folder


def test_the_course_order_is_the_sequences_order(tmp_path: Path) -> None:
    course = load_course(course_dir(tmp_path))
    assert course.problems == ()
    assert [lesson.id for lesson in course.lessons] == ["gamma", "alpha", "beta"]
    assert [sequence.id for sequence in course.sequences] == ["first", "second"]
    after = next_lesson(course, course.lessons[0])
    assert after is not None and after.id == "alpha"  # not lesson 2 (beta), by number
    last = next_lesson(course, course.lessons[2])
    assert last is None


def test_a_folder_without_sequences_is_one_sequence_in_number_order(tmp_path: Path) -> None:
    course = load_course(course_dir(tmp_path, None, ("beta", "alpha")))
    assert [lesson.id for lesson in course.lessons] == ["beta", "alpha"]
    assert len(course.sequences) == 1 and course.sequences[0].title("en") == "The course"
    assert check_course(Path(course.root), replay) == []


@pytest.mark.parametrize(("sequences", "expected"), [
    (SEQUENCES.replace('lessons = ["beta"]', 'lessons = ["delta"]'),
     ["02-beta.toml: in no sequence: add 'beta'",
      "sequences.toml: 1 lesson id(s) name no lesson file (NN-ID.toml) of this folder: "
      "delta (second)"]),
    (SEQUENCES.replace('lessons = ["beta"]', 'lessons = ["beta", "alpha"]'),
     ["sequences.toml: lesson 'alpha' is in 2 sequences (first, second); keep it in one"]),
])
def test_lessons_check_names_what_the_sequences_get_wrong(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], sequences: str,
        expected: list[str]) -> None:
    folder = course_dir(tmp_path, sequences)
    assert main(["lessons", "check", "--course", str(folder)]) == 1
    out = capsys.readouterr().out
    for problem in expected:
        assert problem in out


@pytest.mark.parametrize(("change", "problem"), [
    (("zh = { title = \"下一步\", summary = \"然后是这个。\" }", ""),
     "sequences.toml: sequence[1].zh.title: expected a non-empty string in this language"),
    (('lessons = ["beta"]', "lessons = []"),
     "sequences.toml: sequence[1].lessons: expected a non-empty list of lesson ids"),
    (('id = "second"', 'id = "first"'), "sequences.toml: sequence id 'first' is used twice"),
    (("[[sequence]]", "[[sequences]]"), "sequences.toml: sequences: unknown field"),
])
def test_a_malformed_sequences_file_is_refused_naming_the_field(
        tmp_path: Path, change: tuple[str, str], problem: str) -> None:
    course = load_course(course_dir(tmp_path, SEQUENCES.replace(*change)))
    assert problem in course.problems


def test_the_shipped_sequences_list_every_lesson_once() -> None:
    doc = tomllib.loads((ROOT / "lessons" / "course" / "sequences.toml").read_text("utf-8"))
    ids = [name for sequence in doc["sequence"] for name in sequence["lessons"]]
    shipped = {path.stem[3:] for path in (ROOT / "lessons" / "course").glob("[0-9][0-9]-*.toml")}
    assert len(ids) == len(set(ids)) == len(shipped)
    assert [sequence["id"] for sequence in doc["sequence"]] == [
        "basics", "transactions", "limits", "refusals", "security", "authentication",
        "in-the-wild"]
    assert shipped == set(ids)  # every lesson is in a sequence, and every id names a lesson
