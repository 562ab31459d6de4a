"""What smtp-sim says about a scenario: serve's start lines, the console's ``:scenario``, the
notice under a delayed or missing reply, and explain's "who sends this code"."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.lessons.scenario_view import describe, notice, sent_by, start_lines, text
from simulator.lessons.scenarios import load_scenario
from simulator.protocol import Session
from tests.dialogue import send
from tests.wording import shows, written


def test_the_strict_scenario_starts_with_one_line_and_has_no_rules() -> None:
    strict = load_scenario("strict")
    assert start_lines(strict) == [text("start", "en", name="strict", title=strict.title("en"))]
    assert describe(strict)[-1] == text("no_rules", "en")


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
    assert notice(dataclasses.replace(plain, delay=2.5)) == text("waited", "en", seconds=2.5)
    assert notice(dataclasses.replace(plain, hang_up=True)) == text("hung_up", "en")
    assert notice(dataclasses.replace(plain, hang_up=True), "zh") != notice(
        dataclasses.replace(plain, hang_up=True))


def test_who_sends_a_code_names_the_scenarios_rules_and_options() -> None:
    greylisted = sent_by(451)
    def said(entry: str, out: str, **fields: object) -> bool:
        return shows(out, written("scenario-ui", "texts", entry), **fields)

    assert said("sent_scenario", greylisted, scenario="realistic", code=451, rules="greylist")
    assert "--greylist-delay" in greylisted and "data.storage-failed" in greylisted
    assert said("sent_strict", sent_by(250), code=250)
    assert said("sent_never", sent_by(599), code=599)


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


@pytest.mark.parametrize(("code", "said"), [
    # 334 comes only from a server started with --auth: "in every scenario" alone misled
    (334, "With --auth, smtp-sim sends 334 in every scenario (auth.password-challenge"),
    (530, "With --require-tls, smtp-sim sends 530 in every scenario (tls.required). With "
          "--require-auth, smtp-sim sends 530 in every scenario (auth.required)."),
    (220, "smtp-sim sends 220 in every scenario (session.greeting, session.greeting-scenario). "
          "With --tls, smtp-sim sends 220 in every scenario (tls.ready). "
          "With --web, smtp-sim sends 220 in every scenario (session.greeting-watch)."),
])
def test_a_reply_that_needs_an_option_names_it(code: int, said: str) -> None:
    assert sent_by(code).startswith(said)
    assert "--" in sent_by(code, "zh")

def test_the_authentication_conditions_are_listed() -> None:
    from simulator.lessons.scenario_view import describe
    from simulator.lessons.scenarios import load_scenario

    lines = "\n".join(describe(load_scenario("realistic"), "en"))
    assert "dmarc: on end-of-data (authenticated = false; dmarc = fail; dmarc_policy = reject)" in lines
    assert "spf-fail: on rcpt (authenticated = false; spf = fail)" in lines
    assert "null-mx: on rcpt (null_mx = true)" in lines

@pytest.mark.parametrize(("lang", "keys", "rules"), [
    ("en", "(data.bare-cr, data.bare-lf, ", "nobody, dmarc;"),
    ("zh", "（data.bare-cr、data.bare-lf、", "nobody、dmarc；"),
])
def test_who_sends_a_code_lists_names_as_the_language_does(lang: str, keys: str,
                                                            rules: str) -> None:
    said = sent_by(550, lang)
    assert keys in said and rules in said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_reply_only_a_teachers_rule_sends_is_not_said_to_come_always(lang: str) -> None:
    """550 5.7.25 (no reverse DNS) comes only from a rule no built-in scenario turns on."""
    said = sent_by(550, lang)
    first = said.split("rcpt.no-reverse-dns")[0]
    assert "rcpt.no-reverse-dns" in said and "data.bare-lf" in first
    assert said.index("rcpt.no-reverse-dns") > said.index("dmarc")
    assert "rcpt.no-reverse-dns" not in sent_by(550, lang).split("。" if lang == "zh" else ". ")[0]
