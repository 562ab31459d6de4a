"""learn.json: written atomically, read back, a corrupt file moved aside (never a crash)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.faces.learn.progress import PROGRESS_FILE, ProgressStore
from tests.hostile_files import DEEP_JSON, KINDS, make


def test_progress_round_trips(home: Path) -> None:
    store = ProgressStore()
    store.load()
    assert store.mark_done("hello", 2, "crlf") is None
    again = ProgressStore().load()
    assert again.done == {"hello": 2} and again.current == "crlf"
    assert json.loads((home / PROGRESS_FILE).read_text())["version"] == 1


def test_courses_are_kept_apart(home: Path) -> None:
    shipped, teacher = ProgressStore(), ProgressStore("/srv/course")
    shipped.load()
    shipped.mark_done("hello", 0, None)
    teacher.load()
    teacher.mark_done("intro", 1, None)
    assert ProgressStore().load().done == {"hello": 0}
    assert ProgressStore("/srv/course").load().done == {"intro": 1}


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProgressStore()
    store.load()
    store.mark_done("hello", 0, "crlf")
    before = (home / PROGRESS_FILE).read_text()

    def broken_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    assert store.mark_done("crlf", 0, "order") == "No space left on device"
    assert (home / PROGRESS_FILE).read_text() == before
    assert sorted(path.name for path in home.iterdir()) == [PROGRESS_FILE, PROGRESS_FILE + ".lock"]


@pytest.mark.parametrize("content", [b"{not json", b'{"version": 7}', b"\xff\xfe",
                                     b'{"version": 1, "courses": {"course": {"done": 3}}}'])
def test_a_corrupt_file_is_set_aside(home: Path, content: bytes) -> None:
    home.mkdir(parents=True)
    (home / PROGRESS_FILE).write_bytes(content)
    store = ProgressStore()
    assert store.load().done == {}
    assert store.moved_to == home / (PROGRESS_FILE + ".corrupt")
    assert store.moved_to.read_bytes() == content
    store.mark_done("hello", 0, None)
    assert ProgressStore().load().done == {"hello": 0}


def test_a_second_corrupt_file_does_not_overwrite_the_first(home: Path) -> None:
    home.mkdir(parents=True)
    for text in ("first", "second"):
        (home / PROGRESS_FILE).write_text(text)
        ProgressStore().load()
    assert (home / (PROGRESS_FILE + ".corrupt")).read_text() == "first"
    assert (home / (PROGRESS_FILE + ".corrupt-2")).read_text() == "second"


def test_an_unwritable_home_is_an_error_message(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SMTP_SIM_HOME", str(blocker / "home"))
    store = ProgressStore()
    store.load()
    assert store.mark_done("hello", 0, None)  # an error text, not an exception


@pytest.mark.parametrize("kind", KINDS)
def test_a_progress_file_that_is_not_a_small_json_file_is_set_aside_at_once(
        home: Path, kind: str) -> None:
    home.mkdir(parents=True)
    make(kind, home / PROGRESS_FILE, DEEP_JSON)
    started = time.monotonic()
    store = ProgressStore()
    assert store.load().done == {}
    assert time.monotonic() - started < 2
    assert store.moved_to == home / (PROGRESS_FILE + ".corrupt")
    assert store.mark_done("hello", 0, None) is None
    assert ProgressStore().load().done == {"hello": 0}


def test_two_learners_saving_at_once_keep_both_lessons(home: Path) -> None:
    one, two = ProgressStore(), ProgressStore()
    one.load()
    two.load()  # both read the empty file before either writes
    assert one.mark_done("hello", 1, "crlf") is None
    assert two.mark_done("order", 0, "addresses") is None
    assert one.set_current("crlf") is None
    assert ProgressStore().load().done == {"hello": 1, "order": 0}


def test_a_reset_in_one_process_is_not_undone_by_another(home: Path) -> None:
    first = ProgressStore()
    first.load()
    first.mark_done("hello", 0, None)
    other = ProgressStore()
    other.load()
    assert other.reset() is None
    assert first.mark_done("crlf", 2, None) is None
    assert ProgressStore().load().done == {"crlf": 2}


WRITER = """
import sys
from simulator.faces.learn.progress import ProgressStore
store = ProgressStore()
store.load()
for number in range(int(sys.argv[2])):
    assert store.mark_done(f"{sys.argv[1]}-{number}", 0, None) is None
"""


def test_two_processes_saving_progress_lose_nothing(home: Path) -> None:
    env = {**os.environ, "SMTP_SIM_HOME": str(home)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, name, "40"], env=env)
               for name in ("a", "b")]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    done = ProgressStore().load().done
    assert sorted(done) == sorted(f"{name}-{n}" for name in "ab" for n in range(40))
    assert sorted(path.name for path in home.iterdir()) == [PROGRESS_FILE, PROGRESS_FILE + ".lock"]


def _resumed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines ``smtp-sim learn list`` marks as where ``smtp-sim learn`` goes on."""
    from simulator.cli.command import main

    assert main(["learn", "list"]) == 0
    return [line.split()[1:3] for line in capsys.readouterr().out.splitlines()
            if line.startswith("  ▸")]


@pytest.mark.parametrize(("done", "visited"), [
    (["hello", "crlf", "order", "greylisting"], "auth"),  # issue 19
    (["hello", "crlf", "order", "greylisting"], None),
    (["crlf"], "spam-and-dmarc"),
    ([], "international"),
])
def test_learn_resumes_at_the_first_unfinished_lesson(
        home: Path, capsys: pytest.CaptureFixture[str], done: list[str],
        visited: str | None) -> None:
    """Lessons done out of order, and a later lesson opened and left: ``learn`` goes back to
    the first lesson not done in course order (whatever lessons the course holds), not to the
    one looked at last."""
    from simulator.lessons.course import default_course_root, load_course

    course = load_course(default_course_root())
    first = next(lesson for lesson in course.available if lesson.id not in done)
    assert first.id != visited
    store = ProgressStore()
    store.load()
    for lesson in done:
        store.mark_done(lesson, 0, None)
    store.set_current(visited)
    assert _resumed(capsys) == [[str(first.place), first.id]]


def test_with_every_lesson_done_learn_starts_at_the_first(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.lessons.course import default_course_root, load_course

    store = ProgressStore()
    store.load()
    for lesson in load_course(default_course_root()).available:
        store.mark_done(lesson.id, 0, None)
    store.set_current("auth")
    assert _resumed(capsys) == []  # every line is ✓ ...
    from simulator.faces.learn.progress import resume_point

    course = load_course(default_course_root())
    first = resume_point(course, ProgressStore().load())
    assert first is not None and first.id == "hello"  # ... and learn begins again at 1
