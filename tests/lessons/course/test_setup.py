"""A lesson's setup against what this engine can do: a lesson needing a feature the engine lacks
is kept but not offered."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.faces.shell.course import replay
from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.course.lint import check_course
from simulator.protocol.auth import Account
from tests.lessons.course.sample import GOOD, write

COURSE = load_course(default_course_root())


NEEDS = {"unknown-user": ("realistic",), "relay": ("realistic",), "greylisting": ("realistic",),
         "starttls": ("tls",), "auth": ("realistic", "tls", "auth"),
         "spam-and-dmarc": ("realistic",), "mx-lookup": ("realistic",),
         "submission-ports": ("realistic", "auth"),
         "app-password": ("realistic", "tls", "auth"),
         "sender-mismatch": ("realistic", "tls", "auth"), "pipelining": ("realistic",),
         "spf": ("realistic",), "dkim-and-dmarc": ("realistic",),
         "required-headers": ("required-headers",), "reading-a-bounce": ("realistic",)}
"""What each lesson needs beyond the strict engine's limits and timeouts."""
NEEDS.update({"rate-limit-and-retry": ("realistic",), "capstone": ("realistic",)})


@pytest.mark.parametrize("features", [
    frozenset({"strict", "limits", "idle-timeout"}),
    frozenset({"strict", "limits", "idle-timeout", "realistic"}),
    frozenset({"strict", "limits", "idle-timeout", "tls"}),
])
def test_only_lessons_the_engine_can_run_are_offered(
        features: frozenset[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.lessons.course.setup.ENGINE_FEATURES", features)
    course = load_course(default_course_root())
    waiting = {lesson.id: lesson.needs for lesson in course.lessons if not lesson.available}
    expected = {lesson: tuple(n for n in needs if n not in features)
                for lesson, needs in NEEDS.items()}
    assert waiting == {lesson: needs for lesson, needs in expected.items() if needs}
    assert all(course.find(lesson) is None for lesson in waiting)
    timeouts = course.find("timeouts")
    assert timeouts is not None and course.find(str(timeouts.place)) is timeouts


def test_this_engine_runs_every_lesson() -> None:
    """With the scenarios, STARTTLS and AUTH in the engine, the whole course is offered."""
    assert COURSE.available == COURSE.lessons


def test_a_lesson_needing_what_the_engine_lacks_is_kept_but_not_offered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.lessons.course.setup.ENGINE_FEATURES", frozenset({"strict"}))
    folder = write(tmp_path, GOOD + '\n[setup]\ntls = "required"\n')
    course = load_course(folder)
    assert course.problems == () and course.lessons[0].needs == ("tls",)
    assert course.available == ()
    assert check_course(folder, replay) == []


def test_a_lesson_setup_becomes_the_engine_policy() -> None:
    from simulator.lessons.course import Setup
    from simulator.lessons.course.setup import policy_for

    policy = policy_for(Setup(max_size=2000, max_recipients=3, accept_bare_lf=True,
                              tls="required", auth=(Account("alice", "secret"),)))
    assert (policy.max_message_size, policy.max_recipients) == (2000, 3)
    assert policy.accept_bare_lf and policy.tls and policy.require_tls and policy.auth
    assert [(a.name, a.password) for a in policy.accounts] == [("alice", "secret")]
    plain = policy_for(Setup())
    assert not (plain.tls or plain.require_tls or plain.auth or plain.accept_bare_lf)


def test_lesson_accounts_take_an_app_password_its_style_and_aliases() -> None:
    from simulator.lessons.course.problems import Problems
    from simulator.lessons.course.setup import parse_setup, policy_for
    from simulator.protocol.auth import AppStyle

    problems = Problems("21-x.toml")
    setup, _ = parse_setup(problems, {"auth": [
        {"user": "qq", "password": "web", "app_password": "code", "style": "authorization-code"},
        {"user": "g", "password": "web", "app_password": "app"},
        {"user": "ann@example.com", "password": "pw", "addresses": ["sales@example.com"]},
    ], "sender_login_match": True})
    assert problems.found == []
    policy = policy_for(setup)
    assert [(a.name, a.app_password, a.app_style) for a in policy.accounts] == [
        ("qq", "code", AppStyle.QQ), ("g", "app", AppStyle.GMAIL),
        ("ann@example.com", None, AppStyle.GMAIL)]
    assert policy.accounts[2].addresses == ("sales@example.com",) and policy.sender_login_match
    assert not policy_for(parse_setup(Problems("x"), {})[0]).sender_login_match


@pytest.mark.parametrize("entry", [
    {"user": "qq", "password": "web", "style": "authorization-code"},  # a style, no app password
    {"user": "qq", "password": "web", "app_password": "c", "style": "outlook"},
    {"user": "qq", "password": "web", "app_password": ""},
    {"user": "qq", "password": "web", "addresses": "ann@example.com"},
    {"user": "qq", "password": "web", "addresses": ["not-an-address"]},
    {"user": "qq", "password": "web", "colour": "red"},
    {"user": "", "password": "web"},
    "qq:web",
])
def test_a_bad_lesson_account_is_a_problem_naming_the_field(entry: object) -> None:
    from simulator.lessons.course.problems import Problems
    from simulator.lessons.course.setup import parse_setup

    problems = Problems("21-x.toml")
    setup, _ = parse_setup(problems, {"auth": [entry], "sender_login_match": "yes"})
    assert setup.auth == () and not setup.sender_login_match
    assert [line.split(": ")[1] for line in problems.found] == [
        "setup.auth", "setup.sender_login_match"]
    assert "style = \"app-password\" (534, as Gmail)" in problems.found[0]


def test_required_headers_become_the_policy_and_a_bad_list_is_named(tmp_path: Path) -> None:
    from simulator.lessons.course import Setup
    from simulator.lessons.course.setup import policy_for

    wanted = ("From", "Date", "Message-ID")
    assert policy_for(Setup(required_headers=wanted)).required_headers == wanted
    assert policy_for(Setup()).required_headers == ()
    for bad in ('"From"', '["Subject"]', "[]", '["From", 3]'):
        course = load_course(write(tmp_path, GOOD + f"\n[setup]\nrequired_headers = {bad}\n"))
        assert course.problems == ("01-demo.toml: setup.required_headers: expected a list of "
                                   "From, Date, Message-ID",), bad


def test_a_message_check_asking_for_an_unknown_verdict_is_named(tmp_path: Path) -> None:
    text = GOOD.replace('check = { verb = "EHLO", code = 250 }',
                        'check = { code = 250, message = { dkim = "passed", spf = "pass" } }')
    course = load_course(write(tmp_path, text))
    assert course.problems == ("01-demo.toml: steps[0].check.message.dkim: expected one of "
                               "pass, fail, permerror, none",)

def test_a_setup_may_set_the_rate_limit_and_the_detail_level(tmp_path: Path) -> None:
    folder = write(tmp_path, GOOD + '\n[setup]\nscenario = "realistic"\nrate_limit = 3\n'
                   'detail = "none"\n')
    course = load_course(folder)
    assert course.problems == ()
    setup = course.lessons[0].setup
    assert (setup.rate_limit, setup.detail) == (3, "none")
    from simulator.lessons.course.setup import policy_for

    assert policy_for(setup).scenario.rate_limit == 3


@pytest.mark.parametrize(("line", "problem"), [
    ('detail = "silent"', "setup.detail: expected one of full, brief, none"),
    ("rate_limit = 0", "setup.rate_limit: expected a whole number, 1 or more"),
])
def test_a_bad_rate_limit_or_detail_is_refused_naming_file_and_field(
        tmp_path: Path, line: str, problem: str) -> None:
    course = load_course(write(tmp_path, GOOD + f"\n[setup]\n{line}\n"))
    assert course.lessons == () and len(course.problems) == 1
    assert course.problems[0].endswith(problem) and ".toml: setup." in course.problems[0]
