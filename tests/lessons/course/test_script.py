"""Lesson script lines: narration, line-ending switches, pauses and reconnects, and the
problems a badly written directive reports."""

from __future__ import annotations

import pytest

from simulator.lessons.course.script import (
    Narrate,
    Pause,
    Reconnect,
    ScriptError,
    Send,
    SetEol,
    check_script,
    parse_directive,
)


@pytest.mark.parametrize(("line", "expected"), [
    ("EHLO client.example", Send("EHLO client.example")),
    ("  # why we greet", Narrate("why we greet")),
    (":eol lf", SetEol("lf")),
    (":eol crlf", SetEol("crlf")),
    (":pause 2.5", Pause(2.5)),
    (":pause 0", Pause(0.0)),
    (":reconnect", Reconnect()),
    (":reconnect now", Send(":reconnect now")),
    (":hint", Send(":hint")),
])
def test_each_directive(line: str, expected: object) -> None:
    assert parse_directive(line) == expected


def test_message_text_is_sent_exactly_as_typed_but_directives_still_work() -> None:
    assert parse_directive("  indented text ", in_data=True) == Send("  indented text ")
    assert parse_directive(":reconnect", in_data=True) == Reconnect()
    assert parse_directive("# narration", in_data=True) == Narrate("narration")


@pytest.mark.parametrize(("line", "key", "argument"), [
    (":eol cr", "bad-eol", "cr"),
    (":pause soon", "bad-pause", "soon"),
    (":pause -1", "bad-pause", "-1"),
    (":pause 3601", "bad-pause", "3601"),
    (":pause nan", "bad-pause", "nan"),
])
def test_a_bad_directive_names_its_message_and_argument(line: str, key: str,
                                                        argument: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_directive(line)
    assert (caught.value.key, caught.value.argument) == (key, argument)


def test_check_script_reports_each_bad_line_by_number() -> None:
    assert check_script(("EHLO a.example", ":eol cr", "QUIT", ":pause x")) == [
        "line 2: :eol takes crlf or lf, not 'cr'",
        "line 4: :pause takes 0 to 3600 seconds, not 'x'",
    ]
    assert check_script(("EHLO a.example", ":pause 5")) == []


def test_check_script_reports_a_pipeline_never_ended_and_a_bad_end() -> None:
    assert check_script(("EHLO a.example", ":pipeline", "NOOP", ":end", ":pipeline", "NOOP")) == [
        "line 5: :pipeline is never closed by :end, so its lines would never be sent"]
    assert check_script((":pipeline", "NOOP", ":end now")) == [
        "line 3: :end takes nothing after it, not 'now'",
        "line 1: :pipeline is never closed by :end, so its lines would never be sent"]


def test_the_linters_words_for_a_bad_directive_are_data_in_every_language() -> None:
    from simulator.lessons.ui import text

    assert text("script.lint-bad-eol", "zh", argument="cr") == ":eol 后面要写 crlf 或 lf，而不是 'cr'"
    assert text("script.lint-line", "zh", number=2, problem="x") == "第 2 行：x"
