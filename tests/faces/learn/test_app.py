"""The interactive lesson driven like a learner drives it: keys into a prompt_toolkit pipe
input, the transcript read back as plain text."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
import trio
import trio.testing
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from simulator.cli.command import main
from simulator.faces.learn.app import LessonApp
from simulator.faces.learn.progress import ProgressStore
from simulator.lessons.course import Lesson, default_course_root, load_course
from simulator.lessons.course.words import say
from simulator.lessons.ui import text as text_of
from tests import wording
from tests.wording import following, opening, said, says, tick
from tests.wording import lesson as lesson_of

ENTER = "\r"
CTRL_D = "\x04"
COURSE = load_course(default_course_root())


def heading(lesson_id: str, lang: str = "en") -> str:
    return wording.heading(lesson_of(lesson_id), lang)


def finished(lesson_id: str, lang: str = "en") -> str:
    return wording.finished(lesson_of(lesson_id), lang)


def goal(lesson_id: str, index: int, lang: str = "en") -> str:
    return wording.goal(lesson_of(lesson_id), index, lang)


def lesson_app(lesson: str, lang: str, out: io.StringIO, pipe: PipeInput) -> LessonApp:
    store = ProgressStore()
    store.load()
    target = COURSE.find(lesson)
    assert target is not None
    return LessonApp(COURSE, target, lang=lang, store=store, out=out, input=pipe,
                     output=DummyOutput(), history=InMemoryHistory())


async def drive(*lines: str, lesson: str = "hello", lang: str = "en",
                keys: str = CTRL_D) -> str:
    """The lesson app on a pipe input: ``lines`` typed one after another, then ``keys``."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        app = lesson_app(lesson, lang, out, pipe)
        pipe.send_text("".join(line + ENTER for line in lines) + keys)
        assert await app.run() == 0
    return out.getvalue()


async def test_the_goal_panel_ticks_as_the_server_answers() -> None:
    text = await drive("EHLO client.example")
    # the greeting, its tick, then the panel right above the prompt (the first screen)
    assert text.index("<-  220") < text.index(tick(1)) < text.index(heading("hello"))
    panel = text[text.index(heading("hello")):text.index(" -> EHLO")]
    assert f"  ✓ 1. {goal('hello', 1)}" in panel
    assert f"  ▸ 2. {goal('hello', 2)}{say('step-current', 'en')}" in panel
    assert text.index(" -> EHLO client.example") < text.index(tick(2))
    again = await drive("EHLO client.example", ":goal")
    last_panel = again[again.rindex(heading("hello")):]
    assert f"  ✓ 2. {goal('hello', 2)}" in last_panel and f"  ▸ 3. {goal('hello', 3)}" in last_panel


async def test_hints_come_one_level_at_a_time() -> None:
    text = await drive(":hint", ":hint", ":hint", ":hint")
    hints = [line for line in text.splitlines() if line.startswith(opening("learn.hint"))]
    written = lesson_of("hello").text("en").steps["ehlo"].hints  # step 1 is met at the greeting
    assert hints == [say("hint", "en", level=level, levels=3, text=written[level - 1])
                     for level in (1, 2, 3, 3)]  # the last hint again, not past it
    assert "smtp> :hint" in text  # the command stays visible, though it was not sent


async def test_completion_shows_the_summary_and_enter_starts_the_next_lesson(home: Path) -> None:
    text = await drive(":hint", "EHLO client.example", "QUIT", "")
    assert finished("hello") in text
    assert say("hints-used", "en", count=1) in text
    after = following("hello")
    assert say("next", "en", number=after.place, title=after.text("en").title) in text
    assert text.index(finished("hello")) < text.index(heading(after.id))
    saved = json.loads((home / "learn.json").read_text())["courses"]["course"]
    assert saved["done"]["hello"]["hints"] == 1 and saved["current"] == after.id


async def test_restart_skip_and_lessons() -> None:
    by_number = f":lessons {lesson_of('first-mail').place}"
    text = await drive("EHLO client.example", ":restart", ":skip", ":lessons", by_number, ":quit")
    restarted = text[text.index(say("restarted", "en")):]
    assert f"  ✓ 1. {goal('hello', 1)}" in restarted and tick(1) in restarted
    assert say("skipped", "en", number=lesson_of("hello").place) in text
    after = following("hello")
    assert heading(after.id) in text
    assert say("list-heading", "en", done=0, total=len(COURSE.available)) in text
    assert f"  ▸ {after.place:2d}  {after.id}" in text
    assert heading("first-mail") in text


async def test_an_unknown_command_is_not_sent() -> None:
    text = await drive(":frobnicate")
    assert says(text, "console.unknown-meta", name=":frobnicate")
    assert ":goal :hint :restart :skip :lessons" in text  # the lesson's commands are listed
    assert " -> :frobnicate" not in text


async def shown(out: io.StringIO, wanted: str, *, after: int = 0) -> int:
    """Wait until ``wanted`` is on the transcript past ``after``; where it is. The wait is in
    real time (at most 10 s: the prompt reads keys in a real thread), trio's clock stands still."""
    for _ in range(1000):
        if (where := out.getvalue().find(wanted, after)) >= 0:
            return where
        await trio.to_thread.run_sync(time.sleep, 0.01)
    raise AssertionError(f"{wanted!r} never came:\n{out.getvalue()}")


async def test_the_timeout_lesson_closes_a_silent_session_for_real(
        mock_clock: trio.testing.MockClock) -> None:
    """The server's own idle timeout (20 s in lesson 14) runs on trio's clock: a :pause past
    it ends with the 421 as soon as it comes, and the next line is not sent. trio's clock
    moves only when the test says (never by itself: the keys are read by a prompt in a real
    thread, and a :pause's own prompt takes keys typed during it), and each key is sent once
    the screen shows its turn has come."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        app = lesson_app("timeouts", "en", out, pipe)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(app.run)
            pipe.send_text("EHLO client.example" + ENTER)
            where = await shown(out, "<-  250 ")
            pipe.send_text(":pause 25" + ENTER)
            where = await shown(out, text_of("console.pausing", "en", seconds=25), after=where)
            mock_clock.jump(21)  # past the server's 20 s, not the pause's 25
            where = await shown(out, "<** 421 4.4.2", after=where)
            pipe.send_text("NOOP" + ENTER)
            where = await shown(out, opening("console.closed-not-sent"), after=where)
            pipe.send_text(":reconnect" + ENTER)
            where = await shown(out, "<-  220 ", after=where)
            pipe.send_text(CTRL_D)
    text = out.getvalue()
    assert text.index(" -> EHLO") < text.index("<** 421 4.4.2") < text.index(tick(1))
    assert " -> NOOP" not in text
    assert text.count("<-  220 ") == 2  # :reconnect opened a new session


async def test_the_servers_421_shows_while_the_learner_sits_at_the_prompt(
        mock_clock: trio.testing.MockClock) -> None:
    """Issue 19: the idle timeout's 421 is shown when it comes, above the prompt, not on the
    learner's next Enter; it ticks the lesson's step, and a line half typed is kept."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        app = lesson_app("timeouts", "en", out, pipe)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(app.run)
            pipe.send_text("EHLO client.example" + ENTER)
            where = await shown(out, "<-  250 ")
            pipe.send_text("NOO")  # typing, no Enter yet
            mock_clock.jump(30)  # past lesson 14's 20 s idle timeout
            where = await shown(out, tick(1), after=where)  # no key pressed
            assert "<** 421 4.4.2" in out.getvalue()
            pipe.send_text("P" + ENTER)
            await shown(out, "closed> NOOP", after=where)  # the half-typed line was kept
            pipe.send_text(CTRL_D)
    assert " -> NOOP" not in out.getvalue()


async def test_a_lesson_in_chinese() -> None:
    text = await drive(":hint", "EHLO client.example", lang="zh")
    assert heading("hello", "zh") in text
    hint = lesson_of("hello").text("zh").steps["ehlo"].hints[0]
    assert say("hint", "zh", level=1, levels=3, text=hint) in text
    assert say("tick", "zh", index=2, goal=goal("hello", 2, "zh")) in text


async def test_message_text_in_a_lesson_keeps_empty_lines_and_dots() -> None:
    lines = ["EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
             "DATA", "Subject: Dots", "", ":not a command in DATA", "..kept", "."]
    text = await drive(*lines, lesson="dot-stuffing")
    assert " -> :not a command in DATA" in text
    assert finished("dot-stuffing") in text


async def test_the_consoles_look_up_commands_work_in_a_lesson() -> None:
    lines = ["EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
             "DATA", "Subject: Hi", "", "Hello.", ".", ":mailbox", ":mailbox 1", ":mailbox 9",
             ":state", ":more", ":explain 354"]
    text = await drive(*lines, lesson="first-mail")
    assert "  1. <alice@example.org> -> <bob@example.net>," in text
    assert "Subject: Hi\n\nHello.\n" in text
    assert text_of("console.mailbox-missing", "en", number=9) in text
    assert "greeted" in text.split(":state", 1)[1]
    assert "354 Start mail input" in text.split(":explain 354", 1)[1]


def test_reset_asks_first_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProgressStore()
    store.load()
    store.mark_done("hello", 0, "crlf")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["learn", "reset"]) == 0
    assert ProgressStore().load().done == {"hello": 0}
    assert main(["learn", "reset"]) == 0
    assert ProgressStore().load().done == {}


async def test_a_count_step_reports_how_far_it_is() -> None:
    message = ["MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>", "DATA",
               "Subject: x", "", "text", "."]
    text = await drive("EHLO client.example", "MAIL FROM:<alice@example.org>",
                 "MAIL FROM:<alice@example.org>", "RSET", *message, *message,
                 lesson="transactions")
    assert text.index(say("counted", "en", index=3, count=1, needed=2)) < text.index(tick(3))


async def test_raw_and_save(tmp_path: Path) -> None:
    target = tmp_path / "lesson.md"
    text = await drive(":raw", "EHLO client.example", ":raw off", f":save {target}", ":save")
    assert " -> EHLO client.example\\r\\n" in text
    assert text_of("console.saved", "en", path=target, count=2) in text
    assert says(text, "console.usage", usage=":save FILE")
    saved = target.read_text(encoding="utf-8")
    assert " -> EHLO client.example" in saved and "<-  250 HELP" in saved


async def test_a_badly_written_directive_says_what_it_takes() -> None:
    text = await drive(":eol cr", ":pause soon", lang="zh")
    assert "用法：:eol crlf|lf" in text
    assert "用法：:pause SECONDS (0-3600)" in text


async def test_the_consoles_own_quit_does_not_complete_a_lesson() -> None:
    text = await drive("EHLO client.example")  # then Ctrl-D: the console says QUIT
    assert " -> QUIT" in text and opening("learn.complete", number=1) not in text
    assert tick(3) not in text


async def test_an_accepted_message_that_misses_the_goal_says_so() -> None:
    lines = ["EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
             "DATA", "Subject: Dots", "", ".eaten", "."]
    text = await drive(*lines, lesson="dot-stuffing")
    assert say("accepted-not-goal", "en", index=1, goal=goal("dot-stuffing", 1)) in text


async def test_the_next_lesson_keeps_what_was_explained_and_the_detail_level() -> None:
    text = await drive("EHLO client.example", "QUIT", "")
    after = following("hello")
    start = say("next", "en", number=after.place, title=after.text("en").title)  # it opens
    first, second = text[:text.index(start)], text[text.index(start):]
    assert "Rule: RFC 5321 §3.1" in first  # the 220 in full, the first time
    assert "<-  220 " in second and "Rule: RFC 5321 §3.1" not in second  # brief after
    quiet = await drive(":detail none", "EHLO client.example", "QUIT", "")
    second = quiet[quiet.index(start):]
    assert "<-  220 " in second and "Why:" not in second


async def test_one_record_of_what_was_explained_serves_every_lesson_of_a_run() -> None:
    """The course hands each lesson's console the run's record of what was explained (no
    field is copied from one console to the next): :detail set in one lesson holds after
    :restart and in the next lesson."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        app = lesson_app("hello", "en", out, pipe)
        pipe.send_text("".join(line + ENTER for line in (
            ":detail brief", ":restart", "EHLO client.example", "QUIT", "")) + CTRL_D)
        assert await app.run() == 0
    assert app.ctx is not None and app.ctx.transcript.told is app.told
    assert app.told.detail == "brief"
    text = out.getvalue()
    assert text.count("<-  220 ") >= 3  # first try, restart, the next lesson
    assert "Rule: RFC 5321 §3.1" not in text.split(":restart", 1)[1]


def test_the_toolbar_fits_its_width_and_says_what_enter_does() -> None:
    from simulator.faces.learn.guide import LessonGuide
    from simulator.faces.shell.context import ConsoleContext
    from simulator.faces.shell.link import ConsoleSettings

    target = COURSE.find("hello")
    assert target is not None
    guide = LessonGuide(COURSE, target, store=None, lang="en")
    screen = ConsoleContext(ConsoleSettings(lang="en"), io.StringIO(), guide=guide).screen
    line = "".join(text for _, text in guide.toolbar(screen, 60))
    assert line.startswith(" Lesson 1 · 1/3 220 Connect") and line.endswith("…")
    assert len(line) <= 59
    screen.lang = "zh"
    from simulator.render.wrap import text_width

    assert text_width("".join(text for _, text in guide.toolbar(screen, 60))) <= 59


def _ticks(text: str) -> list[str]:
    return said(text, "learn.tick", "index")


def _piped(lesson_id: str, lines: tuple[str, ...]) -> str:
    from simulator.faces.learn.piped import run_piped

    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    store = ProgressStore()
    store.load()
    out = io.StringIO()
    run_piped(COURSE, lesson, lang="en", store=store, out=out,
              data="".join(f"{line}\n" for line in lines).encode())
    return out.getvalue()


TYPED = [(lesson.id, index, attempt.lines) for lesson in COURSE.available
         for index, attempt in enumerate(lesson.solutions)
         if not any(line.startswith(":pause") for line in attempt.lines)]
"""Every solution a learner can type without waiting for real (a :pause would take its
seconds at the prompt: the idle timeout and greylisting lessons are compared piped and
replayed below, and their typed timeout is tested above on a mock clock)."""


@pytest.mark.parametrize(("lesson_id", "index", "lines"), TYPED,
                         ids=[f"{lesson_id}-{index}" for lesson_id, index, _ in TYPED])
async def test_a_solution_ticks_the_same_steps_typed_and_piped(
        lesson_id: str, index: int, lines: tuple[str, ...]) -> None:
    typed_lines = [line for line in lines if not line.startswith("#")]  # narration: not typed
    typed = await drive(*typed_lines, lesson=lesson_id)
    piped = await trio.to_thread.run_sync(_piped, lesson_id, lines)  # its own trio.run
    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    assert _ticks(typed) == _ticks(piped)
    assert sorted(set(_ticks(piped)), key=int) == [str(n) for n in
                                                   range(1, len(lesson.goals) + 1)]
    assert opening("learn.complete", number=lesson.place) in typed
    assert says(typed, "tls.established") is says(piped, "tls.established")


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_every_solution_ticks_the_same_steps_piped_and_replayed(lesson: object) -> None:
    """``learn ID < script`` and ``lessons check`` take one road: the same steps met in the
    same order."""
    from simulator.faces.shell.course import replay

    assert isinstance(lesson, Lesson)
    numbers = {goal.id: str(n) for n, goal in enumerate(lesson.goals, 1)}
    for attempt in lesson.solutions:
        replayed = replay(lesson, attempt.lines)
        piped = _ticks(_piped(lesson.id, attempt.lines))
        assert list(dict.fromkeys(piped)) == [numbers[goal] for goal in replayed.progress.met]

@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_last_lesson_does_not_offer_a_next_one(lang: str) -> None:
    """Lesson 18 is the last: no "Enter starts the next lesson" on the toolbar or under the
    summary, but how to leave; Enter then is an ordinary empty line, and the console stays."""
    from simulator.faces.learn.guide import LessonGuide
    from simulator.faces.shell.context import ConsoleContext
    from simulator.faces.shell.link import ConsoleSettings
    from simulator.lessons.course.words import say

    last = COURSE.available[-1]
    assert last.solution
    text = await drive(*last.solution.lines, "", ":explain 221", lesson=last.id, lang=lang)
    summary = text[text.index(say("complete", lang, number=last.place,
                                  title=last.text(lang).title)):]
    first = COURSE.available[0]  # nothing else is done yet: the summary points back to it
    assert say("course-left", lang, number=1, title=first.text(lang).title) in summary
    for key in ("course-left", "course-done", "bar-last"):
        assert ":quit" in say(key, lang) and "Ctrl-D" in say(key, lang)
    from simulator.faces.learn.panel import next_fragments

    everything = [lesson.id for lesson in COURSE.available]
    assert next_fragments(COURSE, last, lang, piped=False, done=everything) == [
        ("class:title", say("course-done", lang) + "\n")]
    assert say("bar-next", lang) not in text
    assert "221" in summary.split(":explain 221", 1)[1]  # the console went on after Enter
    guide = LessonGuide(COURSE, last, store=None, lang=lang)
    screen = ConsoleContext(ConsoleSettings(lang=lang), io.StringIO(), guide=guide).screen
    guide.begin(screen)
    assert guide.coach is not None
    guide.coach.finished = True
    bar = "".join(part for _, part in guide.toolbar(screen, 120))
    assert say("bar-last", lang) in bar and say("bar-next", lang) not in bar
    assert guide.handle(screen, "") is None  # Enter is not taken as "next lesson"
    opening = LessonGuide(COURSE, first, store=None, lang=lang)
    opening.begin(screen)
    assert opening.coach is not None
    opening.coach.finished = True
    assert say("bar-next", lang) in "".join(part for _, part in opening.toolbar(screen, 120))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_toolbar_keeps_the_steps_code_whatever_the_width(lang: str, width: int) -> None:
    """Issue 19: "End the session politely: the server answers 22…" lost the code it ends
    with. The step's number and the code it waits for come first, then its words; a long
    lesson title gives way before them."""
    from simulator.faces.learn.guide import LessonGuide
    from simulator.faces.shell.context import ConsoleContext
    from simulator.faces.shell.link import ConsoleSettings
    from simulator.lessons.course import Progress
    from simulator.render.wrap import text_width

    for lesson in COURSE.available:
        guide = LessonGuide(COURSE, lesson, store=None, lang=lang)
        screen = ConsoleContext(ConsoleSettings(lang=lang), io.StringIO(), guide=guide).screen
        guide.begin(screen)
        assert guide.coach is not None
        for index, goal in enumerate(lesson.goals, 1):
            guide.coach.tutor.progress = Progress(met=tuple(
                g.id for g in lesson.goals[:index - 1]))
            bar = "".join(part for _, part in guide.toolbar(screen, width))
            assert text_width(bar) <= width - 1, bar
            code = "" if goal.check.code is None else f" {goal.check.code}"
            assert f"{index}/{len(lesson.goals)}{code} " in bar, bar
            assert f"{lesson.place}" in bar, bar


FIRST_SCREEN_ROWS = 24 - 3
"""An 80x24 terminal less the prompt's line and the lesson's two toolbar lines."""


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_title_and_first_intro_line_are_on_the_first_screen(
        lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19: at 80x24 the lesson's title had scrolled away before the learner typed
    anything. What is on screen when the first prompt comes holds the title and the
    start of the introduction, for every lesson."""
    from simulator.faces.learn.panel import reflow
    from simulator.lessons.course.words import say
    from simulator.render.fragments import to_plain, wrap

    monkeypatch.setenv("COLUMNS", "80")
    for lesson in COURSE.available:
        out = io.StringIO()
        with create_pipe_input() as pipe:
            store = ProgressStore()
            store.load()
            app = LessonApp(COURSE, lesson, lang=lang, store=store, out=out, input=pipe,
                            output=DummyOutput(), history=InMemoryHistory(), wrap=True)
            pipe.send_text(":quit" + ENTER)
            assert await app.run() == 0
        before_prompt = out.getvalue().split("smtp> :quit", 1)[0]
        screen = before_prompt.splitlines()[-FIRST_SCREEN_ROWS:]
        text = lesson.text(lang)
        heading = say("lesson-heading", lang, number=lesson.place, title=text.title)
        intro = to_plain(wrap([("", reflow(text.intro))], 79)).splitlines()[0]
        assert heading in screen, (lesson.id, screen)
        assert screen.index(intro) == screen.index(heading) + 1, (lesson.id, screen)
