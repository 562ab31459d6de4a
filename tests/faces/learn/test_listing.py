"""``learn list`` grouped under the sequences' titles, and what ``smtp-sim learn`` says when it
resumes or when every lesson is done (issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.faces.learn.progress import ProgressStore
from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.course.words import say
from simulator.lessons.ui import text as ui_text
from simulator.render.wrap import text_width
from tests.faces.learn.test_piped import learn as run_learn
from tests.lessons.course.test_sequences import course_dir
from tests.wording import opening


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["learn", "list", "--no-color", *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_learn_list_groups_the_lessons_under_their_sequences(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = course_dir(tmp_path)
    store = ProgressStore(str(folder.resolve()))
    store.load()
    store.mark_done("alpha", 0, None)
    lines = listed(capsys, "--course", str(folder))
    assert lines[:8] == [
        say("list-heading", "en", done=1, total=3), "",  # the sequences are the test's own
        "First steps (1/2)", "  The start.",
        "  ▸  1  gamma  Demo",  # the current one: the first not done, in course order
        "  ✓  2  alpha  Demo", "",  # numbered in course order, not by file (01-alpha.toml)
        "Next steps (0/1)",
    ]
    zh = listed(capsys, "--course", str(folder), "--lang", "zh")
    assert "第一步（1/2）" in zh and "下一步（0/1）" in zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_60_column_terminal_the_shipped_list_fits(lang: str) -> None:
    from simulator.faces.learn.panel import list_fragments
    from simulator.render.fragments import to_plain

    course = load_course(default_course_root())
    lines = to_plain(list_fragments(course, [], None, lang, 60)).splitlines()
    assert max(text_width(line) for line in lines) <= 60
    first, second, *_ = load_course(default_course_root()).sequences
    assert lines[2] == ui_text("course.sequence-heading", lang, title=first.title(lang), done=0,
                               total=len(first.lessons))
    refusals = opening("course.sequence-heading", lang, title=second.title(lang), done=0)
    assert any(line.startswith(refusals) for line in lines)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_piped_list_cuts_nothing(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """Piped (``learn list | less``, into a file) no terminal bounds the lines: six English
    titles were cut with … at 60 columns."""
    shown = "\n".join(listed(capsys, "--lang", lang))
    assert "…" not in shown
    for lesson in load_course(default_course_root()).available:
        assert f"  {lesson.id}  " in shown and lesson.text(lang).title in shown


def test_with_every_lesson_done_a_piped_list_cuts_nothing(
        capsys: pytest.CaptureFixture[str]) -> None:
    store = ProgressStore()
    store.load()
    for lesson in load_course(default_course_root()).available:
        store.mark_done(lesson.id, 0, None)
    assert main(["learn", "--no-color"]) == 0
    shown = capsys.readouterr().out
    assert "…" not in shown and "Submission ports: 25, 587 and 465" in shown


def test_learn_says_where_it_resumes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("simulator.faces.learn.main.run_interactive",
                        lambda course, lesson, **_: started.append(lesson.id) or 0)
    folder = course_dir(tmp_path)
    ProgressStore(str(folder.resolve())).mark_done("gamma", 0, None)
    assert main(["learn", "--no-color", "--course", str(folder)]) == 0
    assert started == ["alpha"]
    assert capsys.readouterr().out.startswith(
        ui_text("course.resuming", "en", number=2, title="Demo"))  # alpha: 2nd in course order


def test_with_every_lesson_done_learn_says_so_and_lists_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    store = ProgressStore()
    store.load()
    for lesson in load_course(default_course_root()).available:
        store.mark_done(lesson.id, 0, None)
    assert main(["learn", "--no-color", "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(ui_text("course.all-done", "zh"))
    assert lines[1].startswith(opening("learn.list-heading", "zh")) and "  ✓  1  hello" in "\n".join(lines)


def test_the_shipped_chinese_titles_and_summaries_are_never_cut(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A title or summary cut with … at 60 columns hides its end (lesson 19's title and the
    in-the-wild summary were): the shipped Chinese ones are short enough to be read whole.
    (Several English titles are still cut; their reviewer shortens those.)"""
    assert [line for line in listed(capsys, "--lang", "zh") if "…" in line] == []


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """``smtp-sim learn list | head -2`` ended in a BrokenPipeError traceback."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, SMTP_SIM_HOME=str(tmp_path), NO_COLOR="1")
    learn = subprocess.Popen([sys.executable, "-m", "simulator", "learn", "list"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert learn.stdout is not None and learn.stderr is not None
    learn.stdout.close()  # as head does after its lines: here before any is written
    error = learn.stderr.read().decode()
    learn.wait(timeout=30)
    assert "Traceback" not in error and "BrokenPipeError" not in error


def test_learn_numbers_the_lessons_in_course_order_everywhere(tmp_path: Path) -> None:
    """The number a learner reads is the lesson's place in the course, whatever its file is
    called: 03-gamma.toml comes first, so completing it says lesson 1, then lesson 2 (alpha),
    and ``learn 2`` starts alpha (issue 26: "Lesson 33 complete ... Next: lesson 2")."""
    from simulator.faces.learn.panel import goal_panel
    from simulator.lessons.course import Progress
    from simulator.render.fragments import to_plain

    folder = course_dir(tmp_path)  # 01-alpha, 02-beta, 03-gamma; sequences: gamma, alpha | beta
    ran = run_learn("--course", str(folder), "gamma", stdin="EHLO c.example\n", home=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert say("complete", "en", number=1, title="Demo") in ran.stdout
    assert say("next-piped", "en", number=2, title="Demo", id="alpha") in ran.stdout
    assert "  ✓  1  gamma" in run_learn("list", "--course", str(folder), home=tmp_path).stdout
    second = run_learn("--course", str(folder), "2", stdin="EHLO c.example\n", home=tmp_path)
    assert say("complete", "en", number=2, title="Demo") in second.stdout
    assert say("next-piped", "en", number=3, title="Demo", id="beta") in second.stdout
    course = load_course(folder)
    assert [(one.place, one.id, one.number) for one in course.lessons] == [
        (1, "gamma", 3), (2, "alpha", 1), (3, "beta", 2)]
    alpha = course.find("2")
    assert alpha is not None and alpha.id == "alpha"
    panel = to_plain(goal_panel(alpha, Progress(), "zh"))
    assert say("lesson-heading", "zh", number=2, title="示例") in panel
