"""What a rubric holds: its points and the server it grades against."""

from __future__ import annotations

from pathlib import Path

from simulator.lessons.grading import default_rubric, parse_rubric
from simulator.lessons.grading.model import server_policy

RUBRIC = ('en.title = "t"\nzh.title = "t"\nsetup.scenario = "realistic"\n'
          'setup.greylist_delay = 7\n'
          '[[items]]\nid = "greets"\npoints = 3\n[[items]]\nid = "quits"\npoints = 2\n')


def test_the_points_are_the_items_summed() -> None:
    assert parse_rubric("t.toml", RUBRIC).max_points == 5
    basic = default_rubric()
    assert basic.max_points == sum(item.points for item in basic.items) > 0


def test_the_server_is_the_setups_without_a_scenario_file(tmp_path: Path) -> None:
    policy = server_policy(parse_rubric("t.toml", RUBRIC, tmp_path))
    assert policy.scenario.greylist_delay == 7
