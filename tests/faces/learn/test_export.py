"""``smtp-sim learn export [FILE|-]``: the learner's progress as JSON for a teacher, with the
steps met, when, and the hints each took; progress files from before times were kept still
read (issue 22)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.faces.learn.piped import run_piped
from simulator.faces.learn.progress import PROGRESS_FILE, ProgressStore
from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.ui import text
from tests.wording import says

COURSE = load_course(default_course_root())
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def exported(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["learn", "export"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert isinstance(document, dict)
    return document


def test_export_gives_each_lesson_its_steps_times_hints_and_completion(
        capsys: pytest.CaptureFixture[str]) -> None:
    hello = COURSE.find("hello")
    assert hello is not None
    data = b"EHLO client.example\n:hint\n:hint\nQUIT\n"
    assert run_piped(COURSE, hello, lang="en", store=ProgressStore(), out=io.StringIO(),
                     data=data) == 0
    document = exported(capsys)
    assert (document["format"], document["course"], document["done"]) == (
        "smtp-sim-progress/1", "course", 1)
    lessons = document["lessons"]
    assert isinstance(lessons, dict) and list(lessons) == [one.id for one in COURSE.lessons]
    entry = lessons["hello"]
    assert (entry["number"], entry["sequence"], entry["hints"]) == (hello.place, "basics", 2)
    assert [(step["id"], step["hints"]) for step in entry["steps"]] == [
        ("greeting", 0), ("ehlo", 0), ("quit", 2)]
    assert all(TIME.fullmatch(step["at"]) for step in entry["steps"])
    assert TIME.fullmatch(entry["completed"])
    crlf = COURSE.find("crlf")
    assert crlf is not None
    assert lessons["crlf"] == {"number": crlf.place, "sequence": "basics", "steps": [],
                               "steps_total": 2, "hints": 0, "completed": None}


def test_a_lesson_left_half_way_shows_the_steps_met_so_far(
        capsys: pytest.CaptureFixture[str]) -> None:
    hello = COURSE.find("hello")
    assert hello is not None
    assert run_piped(COURSE, hello, lang="en", store=ProgressStore(), out=io.StringIO(),
                     data=b"EHLO client.example\n") == 1
    entry = exported(capsys)["lessons"]["hello"]  # type: ignore[index]
    assert [step["id"] for step in entry["steps"]] == ["greeting", "ehlo"]
    assert entry["completed"] is None


def test_an_old_progress_file_still_reads_and_exports(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / PROGRESS_FILE).write_text(json.dumps({"version": 1, "courses": {"course": {
        "done": {"hello": {"hints": 3}}, "current": "crlf"}}}))
    saved = ProgressStore().load()
    assert saved.done == {"hello": 3} and saved.steps == {} and saved.finished == {}
    entry = exported(capsys)["lessons"]["hello"]  # type: ignore[index]
    assert (entry["hints"], entry["completed"], entry["steps"]) == (3, "unknown", [])
    assert not list(home.glob("*.corrupt*"))


def test_export_to_a_file_and_to_a_folder_that_is_not_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "progress.json"
    assert main(["learn", "export", str(target)]) == 0
    assert text("course.export-done", "en", path=target, done=0, total=len(COURSE.lessons)) in (
        capsys.readouterr().err)
    assert json.loads(target.read_text())["done"] == 0
    assert main(["learn", "export", str(tmp_path / "no" / "such.json"), "--lang", "zh"]) == 1
    assert says(capsys.readouterr().err, "course.export-failed", "zh",
                path=tmp_path / "no" / "such.json")


def test_reset_forgets_the_steps_and_times_too(capsys: pytest.CaptureFixture[str]) -> None:
    store = ProgressStore()
    store.load()
    store.step_done("hello", "ehlo", 1, at="2026-12-07T08:00:00+00:00")
    store.mark_done("hello", 1, "crlf", at="2026-12-07T08:01:00+00:00")
    assert ProgressStore().load().finished == {"hello": "2026-12-07T08:01:00+00:00"}
    assert store.reset("hello") is None
    saved = ProgressStore().load()
    assert (saved.done, saved.finished, saved.steps) == ({}, {}, {})
