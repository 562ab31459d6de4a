"""Rubrics: the shipped ones load, a bad one is refused whole naming file and field, and
``lessons check --rubric`` says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.lessons.grading import RubricError, default_rubric, load_rubric, parse_rubric
from simulator.lessons.grading.judge import BUILTIN_ITEMS
from simulator.lessons.grading.model import server_policy
from simulator.lessons.grading.rubric import shipped_rubrics


def test_the_shipped_rubrics_load() -> None:
    assert shipped_rubrics() == ("basic", "robust")
    basic = default_rubric("basic")
    assert basic.max_points == 100 and basic.setup.scenario == "strict"
    assert {item.id for item in basic.items} <= set(BUILTIN_ITEMS)
    assert any(line.startswith(".") for line in basic.message.lines)
    robust = default_rubric("robust")
    assert robust.setup.greylist_delay == 5 and robust.setup.max_recipients == 2


@pytest.mark.parametrize(("text", "problem"), [
    ('[[items]]\nid = "crfl"\n', "r.toml: items[0].id: unknown item 'crfl'"),
    ('[[items]]\nid = "crlf"\npoints = -1\n', "r.toml: items[0].points"),
    ('[[items]]\nid = "crlf"\nrequired = "yes"\n', "r.toml: items[0].required"),
    ('[[items]]\nid = "x"\nseen = { kee = "a" }\n', "r.toml: items[0].seen.kee: unknown field"),
    ('[[items]]\nid = "x"\nseen = { key = "a" }\n', "r.toml: items[0].en: missing"),
    ('[setup]\nscenario = "lenient"\n[[items]]\nid = "crlf"\n', "r.toml: setup.scenario"),
    ('[message]\nto = "bob"\n[[items]]\nid = "crlf"\n', "r.toml: message.to"),
    ('colour = 1\n[[items]]\nid = "crlf"\n', "r.toml: colour: unknown field"),
    ("", "r.toml: items: expected at least one"),
    ("[[items]\n", "r.toml: "),
    ('[[items]]\nid = "crlf"\n[[items]]\nid = "crlf"\n', "the id 'crlf' is used twice"),
])
def test_a_bad_rubric_names_file_and_field(text: str, problem: str) -> None:
    with pytest.raises(RubricError) as caught:
        parse_rubric("r.toml", 'en.title = "t"\nzh.title = "t"\n' + text)
    assert any(problem in found for found in caught.value.problems), caught.value.problems


def test_a_missing_or_huge_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match=r"nothing\.toml"):
        load_rubric(tmp_path / "nothing.toml")
    huge = tmp_path / "huge.toml"
    huge.write_text("# " + "x" * 300_000)
    with pytest.raises(RubricError, match=r"huge\.toml"):
        load_rubric(huge)


def test_lessons_check_rubric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text('en.title = "t"\nzh.title = "t"\n[[items]]\nid = "crlf"\npoints = 4\n')
    assert main(["lessons", "check", "--rubric", str(good)]) == 0
    assert "clean" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text('[[items]]\nid = "crlf"\n')
    assert main(["lessons", "check", "--rubric", str(bad)]) == 1
    assert "bad.toml: en: missing" in capsys.readouterr().out


def test_a_rubric_may_bring_its_own_scenario_file(tmp_path: Path) -> None:
    robust = default_rubric("robust")
    assert robust.scenario is not None
    rules = server_policy(robust).scenario
    assert rules.greylist_delay == 5  # the setup's delay over the scenario's own
    assert "close-midway" in {rule.name for rule in rules.rules}
    assert "greylist" in {rule.name for rule in rules.rules}  # on top of realistic
    rubric = tmp_path / "own.toml"
    rubric.write_text('en.title = "t"\nzh.title = "t"\nscenario = "rules/mine.toml"\n'
                      '[[items]]\nid = "crlf"\n')
    with pytest.raises(RubricError) as caught:
        load_rubric(rubric)
    assert any(p.startswith(f"{rubric}: scenario:") and "mine.toml" in p
               for p in caught.value.problems), caught.value.problems
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text(
        '[[rule]]\nname = "x"\non = "mail"\nreply = "no.such-key"\n')
    with pytest.raises(RubricError) as caught:
        load_rubric(rubric)
    assert any("no.such-key" in p for p in caught.value.problems), caught.value.problems
    (tmp_path / "rules" / "mine.toml").write_text(
        '[[rule]]\nname = "x"\non = "mail"\nreply = "fault.closing"\n')
    assert server_policy(load_rubric(rubric)).scenario.rules[0].name == "x"
    with pytest.raises(RubricError, match="scenario: expected a scenario file"):
        parse_rubric("r.toml", 'en.title = "t"\nzh.title = "t"\nscenario = 3\n'
                     '[[items]]\nid = "crlf"\n')
