"""The problems of one course file as its author reads them: the file, the field, what."""

from __future__ import annotations

from simulator.lessons.course.problems import Problems


def test_each_problem_names_the_file_and_the_field() -> None:
    problems = Problems("21-auth.toml")
    problems.add("setup.limits.size", "expected a whole number, 0 or more")
    problems.add("", "not a TOML table")
    assert problems.found == ["21-auth.toml: setup.limits.size: expected a whole number, 0 or more",
                              "21-auth.toml: not a TOML table"]


def test_unknown_fields_are_each_named_in_order() -> None:
    problems = Problems("x.toml")
    problems.unknown("setup", {"tls": True, "zzz": 1, "colour": 2}, frozenset({"tls"}))
    problems.unknown("", {"titel": "x"}, frozenset({"title"}))
    assert problems.found == ["x.toml: setup.colour: unknown field",
                              "x.toml: setup.zzz: unknown field", "x.toml: titel: unknown field"]
