"""Demo scripts: a run file read as steps (narration, header, directives, message text)."""

from __future__ import annotations

import pytest

from simulator.client.demos import builtin_demo, builtin_names, demo_policy, missing_feature
from simulator.client.demoscript import (
    CRLF,
    LF,
    DemoScriptError,
    StepKind,
    parse_script,
    same_actions,
)
from tests.wording import says

SCRIPT = """\
#: title = "Typos"
#: accept_bare_lf = true
# Say hello.
EHLO a.example
# A typo
# on two lines.
QUT
:pause
:reconnect
DATA
Subject: hi
:not a directive inside the message
# narration even here, never sent
.
:pause 2
:lang zh
# The end.
"""


def test_narration_goes_with_the_step_after_it_and_the_header_is_read() -> None:
    script = parse_script(SCRIPT)
    assert script.title("en") == "Typos" and script.header["accept_bare_lf"] is True
    kinds = [step.kind for step in script.steps]
    assert kinds == [StepKind.SEND, StepKind.SEND, StepKind.RECONNECT, StepKind.SEND,
                     StepKind.NOTE]
    assert script.steps[0].caption == "Say hello."
    assert script.steps[1].caption == "A typo\non two lines."
    assert script.steps[2].pause and not script.steps[1].pause
    assert [line.text for line in script.steps[3].lines] == [
        "DATA", "Subject: hi", ":not a directive inside the message", "."]
    assert script.steps[3].caption == "narration even here, never sent"  # with its message
    assert script.steps[4].caption == "The end."
    assert script.steps[4].pause


def test_eol_changes_the_ending_and_a_bare_lf_dot_does_not_end_the_message() -> None:
    script = parse_script("DATA\nx\n:eol lf\n.\nMAIL FROM:<a@b>\n:eol crlf\n.\nQUIT\n")
    first, second = script.steps
    assert [(line.text, line.eol) for line in first.lines] == [
        ("DATA", CRLF), ("x", CRLF), (".", LF), ("MAIL FROM:<a@b>", LF), (".", CRLF)]
    assert second.lines[0].wire() == b"QUIT\r\n"


def test_pipeline_is_one_step_and_text_after_a_pipelined_data_is_the_next() -> None:
    script = parse_script(":pipeline\nMAIL FROM:<a@b>\nRCPT TO:<c@d>\nDATA\n:end\n# text\nhi\n.\n")
    pipelined, text = script.steps
    assert pipelined.pipelined and len(pipelined.lines) == 3
    assert [line.text for line in text.lines] == ["hi", "."] and text.caption == "text"


def test_companion_toml_gives_the_header_and_the_script_overrides_it() -> None:
    script = parse_script("#: title = \"mine\"\nNOOP\n", companion='title = "theirs"\nmax_size = 99\n')
    assert script.title("zh") == "mine" and script.header["max_size"] == 99
    assert demo_policy(script.header).max_message_size == 99


@pytest.mark.parametrize(("text", "message"), [
    (":frobnicate\n", "is not a demo directive"),
    (":pause soon\n", "is not a demo directive"),
    ("#: colour = 1\nNOOP\n", "unknown header key"),
    ("#: title = \n", "not valid TOML"),
    (":pipeline\nNOOP\n:reconnect\n", "never closed"),
])
def test_a_bad_script_is_refused_with_the_line_and_the_reason(text: str, message: str) -> None:
    with pytest.raises(DemoScriptError, match=message):
        parse_script(text, where="lesson.run")


def test_every_builtin_demo_sends_the_same_lines_in_every_language() -> None:
    for name in builtin_names():
        demo = builtin_demo(name)
        assert demo is not None and set(demo.scripts) == {"en", "zh"}, name
        assert same_actions(demo.scripts["en"], demo.scripts["zh"]), name
        for lang, script in demo.scripts.items():
            assert script.title(lang) and demo.summary(lang), (name, lang)
            assert any(step.caption for step in script.steps), (name, lang)


def test_every_builtin_demo_is_playable_on_this_build() -> None:
    assert set(builtin_names(playable=True)) == {"first-mail", "221-vs-500", "smuggling",
                                                 "pipelining", "bounces", "starttls-auth"}
    assert builtin_names(playable=False) == ()
    assert missing_feature({"scenario": "realistic", "tls": True, "auth": True}) is None


def test_a_scenario_in_the_header_is_loaded_seeded_or_refused_with_the_reason() -> None:
    policy = demo_policy({"scenario": "chaos"})
    assert policy.scenario.name == "chaos" and policy.scenario.seed == 1
    assert demo_policy({"scenario": "chaos", "seed": 7}).scenario.seed == 7
    with pytest.raises(DemoScriptError) as caught:
        demo_policy({"scenario": "nonsense"})
    assert says(caught.value.text("en"), "options.unknown-scenario", name="nonsense")


@pytest.mark.parametrize(("text", "zh"), [
    (":frobnicate\n", "lesson.run:1：':frobnicate' 不是演示指令"),
    ("#: colour = 1\nNOOP\n", "lesson.run：脚本头部有未知的键 colour；可用的键：title"),
    ("#: title = \n", "lesson.run：脚本头部不是有效的 TOML："),
    (":pipeline\nNOOP\n:reconnect\n", "lesson.run:3：:pipeline 之后缺少收尾的 :end"),
])
def test_a_refusal_is_said_in_the_presenters_language(text: str, zh: str) -> None:
    with pytest.raises(DemoScriptError) as caught:
        parse_script(text, where="lesson.run")
    assert caught.value.text("zh").startswith(zh)
    assert caught.value.text("en") == str(caught.value) != caught.value.text("zh")
