"""The sessions table a teacher reads: lesson steps, stuck marks, sort orders, the last reply
in words, narrow screens, cut cells; and the spotlight's goal panel."""

from __future__ import annotations

import pytest

from simulator.lessons.classmodel.model import (
    SORTS,
    STUCK_MINUTES,
    ClassModel,
    LessonStep,
)
from simulator.protocol.events import SessionEnd
from simulator.render.dashboard import (
    Choices,
    fit,
    mistake_fragments,
    spotlight_fragments,
    table_fragments,
    title_fragments,
)
from simulator.render.fragments import to_plain
from tests.lessons.classmodel.test_model import MESSAGE, feed

STEPS = (LessonStep("greet", {"en": "Greet the server with EHLO", "zh": "用 EHLO 打招呼"}),
         LessonStep("sender", {"en": "Give a sender with MAIL FROM", "zh": "用 MAIL FROM 给出发件人"}),
         LessonStep("send", {"en": "Send one message", "zh": "发送一封邮件"}))


def table(model: ClassModel, width: int = 200, *, now: float = 0.0, lang: str = "en",
          sort: str = SORTS[0]) -> list[str]:
    choices = Choices(lang=lang, sort=sort)
    return to_plain(table_fragments(model, choices, now, width, 40)).splitlines()


def row(lines: list[str], session_id: str) -> str:
    return next(line for line in lines if line.startswith(session_id + " "))


def lesson_class() -> ClassModel:
    """Three students of a three-step lesson, steps fed by hand as serve --lesson would."""
    model = ClassModel()
    model.lesson_steps = STEPS
    feed(model, "S1", b"EHLO ann.example\r\n", b"MAIL FROM:<a@b.example>\r\n", now=10.0)
    feed(model, "S2", b"EHLO bob.example\r\n", now=20.0)
    feed(model, "S3", *MESSAGE[:5], now=30.0)
    done = {"S1": ("greet", "sender"), "S2": ("greet",), "S3": ("greet", "sender", "send")}
    for sid, steps in done.items():
        record = model.sessions[sid]
        record.steps_done, record.steps_total, record.last_step = steps, 3, 30.0
    model.sessions["S1"].student = "ann"
    return model


def test_the_last_reply_is_its_code_and_short_title_not_the_host_name() -> None:
    model = ClassModel()
    feed(model, "S1", *MESSAGE)
    feed(model, "S2", b"EHLO b\r\n", b"MAIL FROM: <x@y.example>\r\n")
    lines = table(model)
    assert row(lines, "S1").split()[7:9] == ["221", "closing"]
    assert "501 space around the colon " in row(lines, "S2")
    assert "smtp-sim" not in "\n".join(lines) and "2.0.0" not in "\n".join(lines)
    assert "221 关闭连接 " in row(table(model, lang="zh"), "S1")
    assert "501 space around the colon " in row(table(model, 120), "S2")  # room for it


def test_without_a_lesson_there_is_no_steps_column() -> None:
    model = ClassModel()
    feed(model, "S1", *MESSAGE)
    assert "steps" not in table(model)[0]


def test_a_lesson_adds_the_steps_column_with_ticks() -> None:
    lines = table(lesson_class(), now=31.0)
    assert lines[0].split()[:4] == ["id", "client", "student", "steps"]
    assert table(lesson_class(), lang="zh")[0].split()[:4] == ["编号", "客户端", "学生", "步骤"]
    assert row(lines, "S1").split()[2:4] == ["ann", "2/3"]  # the student's name, not HELO
    assert row(lines, "S2").split()[2:4] == ["bob.example", "1/3"]
    assert row(lines, "S3").split()[2:4] == ["laptop.example", "✓"]


def test_no_step_for_the_stuck_minutes_marks_a_student_stuck() -> None:
    model = lesson_class()
    later = 30.0 + STUCK_MINUTES * 60
    assert "stuck" not in row(table(model, now=later - 1), "S2")
    assert row(table(model, now=later), "S2").split()[3:5] == ["1/3", "stuck"]
    assert "stuck" not in row(table(model, now=later), "S3")  # done: never stuck
    assert "1/3 卡住" in row(table(model, now=later, lang="zh"), "S2")
    model.sessions["S2"].last_step = later  # a new step: no longer stuck
    assert "stuck" not in row(table(model, now=later), "S2")


def test_the_same_error_three_times_in_a_row_marks_a_student_stuck() -> None:
    model = lesson_class()
    colon = b"MAIL FROM: <a@b.example>\r\n"
    session = feed(model, "S2", now=31.0)
    for exchange in session.receive_data(b"EHLO bob.example\r\n" + colon + colon):
        model.observe("S2", "127.0.0.1:1", exchange, 31.0)
    model.sessions["S2"].steps_total = 3
    assert "stuck" not in row(table(model, now=32.0), "S2")  # twice
    for exchange in session.receive_data(colon):
        model.observe("S2", "127.0.0.1:1", exchange, 32.0)
    assert "stuck" in row(table(model, now=32.0), "S2")
    for exchange in session.receive_data(b"NOOP\r\n" + colon):  # the streak is broken
        model.observe("S2", "127.0.0.1:1", exchange, 33.0)
    assert "stuck" not in row(table(model, now=33.0), "S2")


def test_the_sort_orders_activity_name_steps_errors() -> None:
    model = lesson_class()
    feed(model, "S4", b"EHLO carl.example\r\n", b"QUT\r\n", b"QUT\r\n", now=40.0)
    model.sessions["S4"].steps_total = 3

    def order(sort: str) -> list[str]:
        return [line.split()[0] for line in table(model, sort=sort)[1:] if line.strip()]

    assert SORTS == ("connected", "activity", "name", "steps", "errors")
    assert order("connected") == ["S1", "S2", "S3", "S4"]
    assert order("activity") == ["S4", "S3", "S2", "S1"]
    assert order("name") == ["S1", "S2", "S4", "S3"]  # ann, bob, carl, laptop
    assert order("steps") == ["S4", "S2", "S1", "S3"]  # fewest done first
    assert order("errors") == ["S4", "S1", "S2", "S3"]
    title = to_plain(title_fragments(model, Choices(sort="name"), "smtp://h:25", 200))
    assert "sorted by name" in title and "messages accepted: 1" in title
    narrow = to_plain(title_fragments(model, Choices(sort="name", follow=True), "u", 60))
    assert narrow.endswith("… · following newest · sorted by name") and len(narrow) == 60


def test_on_a_narrow_screen_the_address_goes_before_the_name() -> None:
    model = lesson_class()
    for width in (60, 80, 120):
        lines = table(model, width)
        assert all(len(line) <= width for line in lines)
        assert "127.0.0.1" not in "\n".join(lines), width
        assert "bob.example" in row(lines, "S2"), width
    assert "127.0.0.1:1" in row(table(model, 200), "S2")
    assert table(model, 60)[0].split()[:3] == ["id", "student", "steps"]


@pytest.mark.parametrize("width", [30, 36, 40, 45, 50, 55, 60])
def test_the_narrowest_layout_keeps_the_students_name_steps_and_errors(width: int) -> None:
    """At 60 columns and below the name went before the last reply (at 45 the reply had 32
    columns and no name showed): the teacher needs who it is, how far, how many errors."""
    lines = table(lesson_class(), width)
    assert all(len(line) <= width for line in lines)
    assert lines[0].split()[:4] == ["id", "student", "steps", "errs"], width
    assert row(lines, "S2").split()[1].startswith("bob"), width


@pytest.mark.parametrize("width", [30, 40, 50, 60])
def test_without_a_lesson_the_narrowest_layout_keeps_the_name_and_errors(width: int) -> None:
    model = ClassModel()
    feed(model, "S1", b"EHLO bob.example\r\n", b"NOOP x y\r\n")
    lines = table(model, width)
    assert lines[0].split()[:3] == ["id", "HELO", "errs"], width
    assert row(lines, "S1").split()[1].startswith("bob"), width


def test_a_cell_cut_to_fit_ends_with_an_ellipsis() -> None:
    model = ClassModel()
    feed(model, "S1", b"EHLO a-very-long-client-name.students.example\r\n")
    cell = row(table(model, 120), "S1").split()[2]
    assert cell == "a-very-long-cli…"
    assert fit("abcdef", 4) == "abc…" and fit("abc", 4) == "abc "
    assert fit("中文名字很长", 7) == "中文名…" and fit("中文名字很长", 8) == "中文名… "
    assert fit("中文", 4) == "中文"


def test_a_hang_up_inside_data_shows_discarded_and_is_counted() -> None:
    model = ClassModel()
    session = feed(model, "S1", *MESSAGE[:4], b"Subject: half\r\n")
    model.ended(SessionEnd("S1", "127.0.0.1:1", session.state), 1.0)
    feed(model, "S2", *MESSAGE)
    model.ended(SessionEnd("S2", "127.0.0.1:1", session.state), 1.0)
    lines = table(model)
    assert row(lines, "S1").split()[3] == "discarded"
    assert row(lines, "S2").split()[3] == "closed"
    assert "已丢弃" in row(table(model, lang="zh"), "S1")
    assert "messages discarded: 1" in to_plain(title_fragments(model, Choices(), "u", 200))


def test_the_common_mistakes_narrow_to_the_step_the_student_was_on() -> None:
    model = ClassModel()
    model.lesson_steps = STEPS
    colon = b"MAIL FROM: <a@b.example>\r\n"
    session = feed(model, "S1")
    model.sessions["S1"].steps_total = 3
    for line in (b"QUT\r\n", b"EHLO a.example\r\n"):  # a typo while on step 1
        for exchange in session.receive_data(line):
            model.observe("S1", "p", exchange, 1.0)
    model.sessions["S1"].steps_done = ("greet",)
    for exchange in session.receive_data(colon):  # while on step 2
        model.observe("S1", "p", exchange, 2.0)
    every = " ".join(to_plain(mistake_fragments(model, Choices(), 60)).split())
    assert "unknown command" in every and "space around the colon" in every
    second = " ".join(to_plain(mistake_fragments(model, Choices(step=2), 80)).split())
    assert second.startswith("Common mistakes at step 2: Give a sender with MAIL FROM")
    assert "space around the colon: 1 session" in second and "unknown command" not in second
    first = to_plain(mistake_fragments(model, Choices(step=1, lang="zh"), 80))
    assert "第 1 步的常见错误：用 EHLO 打招呼" in first and "冒号" not in first
    assert [(m.key, m.steps) for m in model.mistakes()] == [
        ("syntax.space-after-colon", (2,)), ("syntax.unknown-command", (1,))]


def test_the_spotlight_shows_the_goal_panel_beside_the_transcript() -> None:
    model = lesson_class()
    record = model.sessions["S2"]
    screen = to_plain(spotlight_fragments(record, "en", 120, 30, model))
    lines = screen.splitlines()
    assert lines[0].startswith(" Spotlight: session S2")
    panel = [line.split("│", 1)[1].strip() for line in lines[1:] if "│" in line]
    assert panel[:4] == ["Goals 1/3", "✓ Greet the server with EHLO",
                         "▶ Give a sender with MAIL FROM", "Send one message"]
    assert any("EHLO bob.example" in line.split("│")[0] for line in lines)
    zh = to_plain(spotlight_fragments(record, "zh", 120, 30, model))
    assert "▶ 用 MAIL FROM 给出发件人" in zh
    plain = ClassModel()
    feed(plain, "S1", *MESSAGE)  # no lesson: the transcript alone
    assert "│" not in to_plain(spotlight_fragments(plain.sessions["S1"], "en", 120, 30, plain))


def test_a_wide_screen_gives_the_name_room_before_the_last_reply() -> None:
    model = ClassModel()
    feed(model, "S1", b"EHLO a-very-long-client-name.students.example\r\n")
    assert "a-very-long-client-name.students.example" in row(table(model, 200), "S1")
    assert "a-very-long-client-nam… " in row(table(model, 140), "S1")
    assert "a-very-long-cli… " in row(table(model, 120), "S1")  # the reply keeps its room


def test_stuck_minutes_change_when_time_alone_marks_a_student() -> None:
    from simulator.cli.command import build_parser

    assert build_parser().parse_args(["serve", "--stuck-minutes", "2"]).stuck_minutes == 2
    model = lesson_class()
    model.stuck_minutes = 2
    assert "stuck" in row(table(model, now=30.0 + 120), "S2")
    assert "stuck" not in row(table(model, now=30.0 + 119), "S2")
    model.stuck_minutes = 0  # off: only the same error three times in a row
    assert "stuck" not in row(table(model, now=1e6), "S2")
