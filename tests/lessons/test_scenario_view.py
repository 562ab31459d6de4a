"""What smtp-sim says about a scenario: serve's start lines, the console's ``:scenario``, the
notice under a delayed or missing reply, and explain's "who sends this code"."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.lessons.scenario_view import describe, notice, sent_by, start_lines
from simulator.lessons.scenarios import load_scenario
from simulator.protocol import Session
from tests.dialogue import send


def test_the_strict_scenario_starts_with_one_line_and_has_no_rules() -> None:
    strict = load_scenario("strict")
    assert start_lines(strict) == [f"scenario strict: {strict.title('en')}"]
    assert "No rules" in describe(strict)[-1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_scenario_with_rules_shows_its_settings_and_each_rule_in_order(lang: str) -> None:
    realistic = load_scenario("realistic")
    assert len(start_lines(realistic, lang)) == 2 and "60" in start_lines(realistic, lang)[1]
    lines = describe(realistic, lang)
    numbered = [line for line in lines if line[:1].isdigit()]
    assert len(numbered) == len(realistic.rules)
    for number, (line, rule) in enumerate(zip(numbered, realistic.rules, strict=True), 1):
        assert line.startswith(f"{number}. {rule.name}")


def test_a_notice_only_for_a_delayed_or_missing_reply() -> None:
    session = Session()
    session.greeting()
    [plain] = send(session, "NOOP")
    assert notice(plain) is None
    assert notice(dataclasses.replace(plain, delay=2.5)) == (
        "(the server waited 2.5 s before answering)")
    assert "without a reply" in (notice(dataclasses.replace(plain, hang_up=True)) or "")
    assert notice(dataclasses.replace(plain, hang_up=True), "zh") != notice(
        dataclasses.replace(plain, hang_up=True))


def test_who_sends_a_code_names_the_scenarios_rules_and_options() -> None:
    greylisted = sent_by(451)
    assert "realistic scenario sends 451 (rule greylist" in greylisted
    assert "--greylist-delay" in greylisted and "data.storage-failed" in greylisted
    assert sent_by(250).startswith("smtp-sim sends 250 in every scenario (")
    assert "never sends 599" in sent_by(599)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("name", "shown", "hidden"), [
    ("realistic", ("60", "30"), ("0.1", "4242424")),
    ("chaos", ("0.1", "4242424"), ("60", "30")),
])
def test_the_settings_shown_are_only_those_the_scenarios_rules_use(
        lang: str, name: str, shown: tuple[str, ...], hidden: tuple[str, ...]) -> None:
    """Realistic draws no random faults, so it shows no fault rate nor seed; chaos has no
    greylisting, so no greylist delay; serve's start line and :scenario alike."""
    scenario = dataclasses.replace(load_scenario(name), greylist_delay=60, rate_limit=30,
                                   fault_rate=0.1, seed=4242424)
    settings = [line for line in (start_lines(scenario, lang)[1], *describe(scenario, lang))
                if any(value in line for value in (*shown, *hidden))]
    assert len(settings) == 2
    for line in settings:
        assert all(value in line for value in shown)
        assert not any(value in line for value in hidden)


def test_a_rule_file_drawing_nothing_shows_no_settings_line() -> None:
    from simulator.protocol.rules import Rule

    realistic = load_scenario("realistic")
    fixed = [rule for rule in realistic.rules if rule.match.greylisted is None
             and rule.match.rate_limited is None and rule.match.chance is None
             and rule.delay[0] == rule.delay[1]]
    plain = dataclasses.replace(realistic, rules=tuple[Rule, ...](fixed))
    assert start_lines(plain) == start_lines(plain)[:1]


@pytest.mark.parametrize(("lang", "keys", "rules"), [
    ("en", "(data.bare-cr, data.bare-lf, ", "(rule nobody, dmarc;"),
    ("zh", "（data.bare-cr、data.bare-lf、", "（规则 nobody、dmarc；"),
])
def test_who_sends_a_code_lists_names_as_the_language_does(lang: str, keys: str,
                                                            rules: str) -> None:
    said = sent_by(550, lang)
    assert keys in said and rules in said
