"""``smtp-sim learn ID`` with a script on standard input: the transcript with its ticks, and
exit 0 when the lesson is complete, 1 when not (naming the steps), 2 for usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.client.script import split_lines
from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.course.words import say
from simulator.lessons.scenario_view import text as scenario_text
from simulator.lessons.ui import text
from tests import ROOT
from tests.wording import finished, following, goal, heading, lesson, opening, says, tick

HELLO = "EHLO client.example\nQUIT\n"
COURSE = load_course(default_course_root())


def listed(count: int) -> str:
    """How ``learn`` lists the first ``count`` lessons it offers (``1 hello, 2 crlf,``)."""
    return "".join(f"{one.place} {one.id}, " for one in COURSE.available[:count]).rstrip()


def learn(*args: str, stdin: str = "", home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SMTP_SIM_HOME=str(home), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "simulator", "learn", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False)


def test_a_complete_lesson_exits_0_with_ticks_summary_and_next(home: Path) -> None:
    result = learn("hello", stdin=HELLO, home=home)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index(tick(1)) < out.index(" -> EHLO") < out.index(tick(2))
    assert out.index(" -> QUIT") < out.index(tick(3)) < out.index(finished(lesson("hello")))
    assert say("codes-seen", "en", codes="220 250 221") in out
    assert say("hints-used", "en", count=0) in out
    after = following("hello")
    assert say("next-piped", "en", number=after.place, title=after.text("en").title,
               id=after.id) in out
    saved = json.loads((home / "learn.json").read_text())
    mine = saved["courses"]["course"]
    assert mine["done"]["hello"]["hints"] == 0 and mine["current"] == after.id
    assert list(mine["steps"]["hello"]) == ["greeting", "ehlo", "quit"]  # for learn export


def test_an_incomplete_lesson_exits_1_and_names_the_missing_steps(home: Path) -> None:
    hello = lesson("hello")
    result = learn(str(hello.place), stdin="EHLO client.example\n", home=home)  # by number
    assert result.returncode == 1
    assert result.stdout.rstrip().endswith(
        say("incomplete", "en", number=hello.place, steps=f"3. {goal(hello, 3)}"))
    saved = json.loads((home / "learn.json").read_text())["courses"]["course"]
    assert saved["done"] == {} and saved["current"] == "hello"  # nothing marked done


def test_an_unknown_lesson_exits_2_and_lists_the_ids(home: Path) -> None:
    result = learn("nope", stdin=HELLO, home=home)
    assert result.returncode == 2
    assert result.stderr.startswith(opening("learn.unknown-lesson", wanted="nope"))
    assert says(result.stderr, "learn.unknown-lesson", wanted="nope", ids=listed(2))


def test_the_script_directives_work_in_a_lesson(home: Path) -> None:
    script = "# first the wrong ending\n:eol lf\nEHLO client.example\n:eol crlf\nEHLO client.example\n"
    result = learn("crlf", "--lang", "zh", stdin=script, home=home)
    assert result.returncode == 0, result.stdout
    assert "# first the wrong ending" in result.stdout
    assert text("console.eol-lf", "zh") in result.stdout  # the console's own :eol
    assert tick(1, "zh") in result.stdout and finished(lesson("crlf"), "zh") in result.stdout


def test_the_idle_timeout_lesson_on_the_lesson_clock(home: Path) -> None:
    lesson = (ROOT / "lessons" / "course" / "14-timeouts.toml").read_text()
    import tomllib

    solution = "\n".join(tomllib.loads(lesson)["solution"]) + "\n"
    result = learn("timeouts", stdin=solution, home=home)
    assert result.returncode == 0, result.stdout
    assert text("console.pausing", "en", seconds=21) + "\n<** 421 4.4.2" in result.stdout


RUNNABLE = len(COURSE.available)


def test_resume_list_and_reset(home: Path) -> None:
    assert learn("hello", stdin=HELLO, home=home).returncode == 0
    shown = learn("list", home=home).stdout
    assert say("list-heading", "en", done=1, total=RUNNABLE) in shown
    hello = lesson("hello")
    left = next(one for one in COURSE.available if one != hello)  # the first not done
    assert f"  ✓ {hello.place:2d}  hello" in shown and f"  ▸ {left.place:2d}  {left.id}" in shown
    resumed = learn(stdin="QUIT\n", home=home)  # whichever lesson it is, it opens
    assert heading(left) in resumed.stdout and heading(hello) not in resumed.stdout
    assert learn("reset", "hello", home=home).returncode == 0
    assert f"  ✓ {hello.place:2d}  hello" not in learn("list", home=home).stdout
    cleared = learn("reset", home=home)
    assert cleared.returncode == 0
    assert say("reset-done", "en", what=say("reset-all", "en")) in cleared.stdout
    assert say("list-heading", "en", done=0, total=RUNNABLE) in learn("list", home=home).stdout


def test_a_lesson_the_engine_cannot_run_yet_says_so(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.cli.command import main

    monkeypatch.setattr("simulator.lessons.course.setup.ENGINE_FEATURES",
                        frozenset({"strict", "limits", "idle-timeout"}))
    assert main(["learn", "auth"]) == 2
    auth = lesson("auth")
    assert capsys.readouterr().err.startswith(opening(
        "learn.unavailable-lesson", number=auth.place, id="auth", needs="realistic, tls, auth",
        ids=listed(2)))


def test_reset_of_an_unknown_lesson_is_a_usage_error(home: Path) -> None:
    assert learn("reset", "nope", home=home).returncode == 2


def test_a_corrupt_progress_file_is_reported_and_the_lesson_runs(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "learn.json").write_text("{broken")
    result = learn("hello", stdin=HELLO, home=home)
    assert result.returncode == 0
    assert says(result.stderr, "learn.progress-corrupt", path=home / "learn.json",
                moved=home / "learn.json.corrupt")
    assert (home / "learn.json.corrupt").read_text() == "{broken"


def test_a_teachers_course(tmp_path: Path, home: Path) -> None:
    from tests.lessons.course.sample import GOOD

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "01-demo.toml").write_text(GOOD, encoding="utf-8")
    result = learn("demo", "--course", str(folder), stdin="EHLO client.example\n", home=home)
    demo = load_course(folder).find("demo")
    assert demo is not None
    assert result.returncode == 0 and finished(demo) in result.stdout
    assert say("course-done", "en") in result.stdout
    (folder / "02-bad.toml").write_text("id = 3", encoding="utf-8")
    refused = learn("demo", "--course", str(folder), stdin="", home=home)
    assert refused.returncode == 2
    assert "02-bad.toml: id: must be 'bad'" in refused.stderr


def test_every_runnable_solution_passes_in_piped_mode(home: Path) -> None:
    """The same solutions lessons check replays, through the face (in process)."""
    import io

    from simulator.faces.learn.piped import run_piped
    from simulator.faces.learn.progress import ProgressStore
    from simulator.lessons.course import default_course_root, load_course

    course = load_course(default_course_root())
    for each in course.available:
        out = io.StringIO()
        store = ProgressStore()
        store.load()
        data = "\n".join(each.solution.lines).encode() + b"\n"
        assert split_lines(data)
        status = run_piped(course, each, lang="zh", store=store, out=out, data=data)
        assert status == 0, (each.id, out.getvalue()[-400:])
        assert finished(each, "zh") in out.getvalue()


def test_control_characters_never_reach_the_screen() -> None:
    import io

    from simulator.faces.learn.piped import run_piped
    from simulator.faces.learn.progress import ProgressStore
    from simulator.lessons.course import default_course_root, load_course

    course = load_course(default_course_root())
    hello = course.find("hello")
    assert hello is not None
    out = io.StringIO()
    store = ProgressStore()
    store.load()
    data = b"# look \x1b[2J here\n:oops\x1b]0;x\x07\nEHLO a\x1bb\n"
    assert run_piped(course, hello, lang="en", store=store, out=out, data=data) == 1
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "# look \\x1b[2J here" in text
    assert says(text, "console.unknown-meta", name=":oops\\x1b]0;x\\x07")


def test_a_scenarios_delay_and_hang_up_are_shown_as_the_console_shows_them(
        tmp_path: Path, home: Path) -> None:
    from tests.lessons.course.sample import GOOD

    folder = tmp_path / "chaos"
    folder.mkdir()
    (folder / "01-demo.toml").write_text(GOOD + '\n[setup]\nscenario = "chaos"\n', "utf-8")
    script = "".join(("NOOP\n" * 8 + ":reconnect\n") for _ in range(20))
    result = learn("demo", "--course", str(folder), stdin=script, home=home)
    assert result.returncode == 1  # the lesson wants EHLO; this only shows the notices
    assert scenario_text("waited", "en", seconds=4.5) in result.stdout  # seeded: replayable
    assert scenario_text("hung_up", "en") in result.stdout


def test_a_piped_starttls_lesson_does_the_real_handshake(home: Path) -> None:
    """The piped lesson takes the typed lesson's road: a real TLS handshake, shown as the
    console shows it."""
    lines = ["EHLO client.example", "MAIL FROM:<alice@example.org>", "STARTTLS",
             "EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
             "DATA", "Subject: Private", "", "Sent over TLS.", "."]
    result = learn("starttls", stdin="\n".join(lines) + "\n", home=home)
    assert result.returncode == 0, result.stdout[-600:]
    out = result.stdout
    established = out.index(opening("tls.established", version="TLSv1.3"))
    assert out.index("<-  220 2.0.0") < established < out.index(
        " -> EHLO client.example", out.index("<-  220 2.0.0"))


def test_a_pipelined_group_in_a_piped_lesson(home: Path) -> None:
    script = ("EHLO client.example\n:pipeline\nMAIL FROM:<alice@example.org>\n"
              "RCPT TO:<bob@example.net>\nRCPT TO:<carol@example.net>\n"
              "RCPT TO:<dave@example.net>\nRCPT TO:<erin@example.net>\n:end\n")
    result = learn("recipients", stdin=script, home=home)
    out = result.stdout
    assert "pipe> RCPT TO:<erin@example.net>" in out
    assert out.index(" -> RCPT TO:<erin@example.net>") < out.index("<-  250 2.1.0")
    assert out.index("<** 452 4.5.3") < out.index(tick(1))
