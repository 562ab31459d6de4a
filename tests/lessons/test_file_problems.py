"""The problems of one teacher's file, as the teacher reads them: the file, the rule, the
field, in the file's language; every one collected, not just the first."""

from __future__ import annotations

from simulator.lessons.file_problems import FileProblems
from simulator.protocol.patterns import MAX_PATTERN, PatternError


def test_each_problem_names_the_file_the_rule_and_the_field() -> None:
    problems = FileProblems("scenarios/strict.toml")
    problems.report("no-relay", "match.address", "must be a list of globs")
    problems.report("", "greylist_delay", "must be a number")
    assert problems.problems == [
        "scenarios/strict.toml: rule 'no-relay': match.address: must be a list of globs",
        "scenarios/strict.toml: greylist_delay: must be a number"]


def test_unknown_fields_are_named_with_those_known() -> None:
    problems = FileProblems("s.toml")
    problems.unknown("r", "reply.", {"code": 550, "txet": "x", "colour": 1}, ("code", "text"))
    assert problems.problems == [
        "s.toml: rule 'r': reply.txet: unknown field (known: code, text)",
        "s.toml: rule 'r': reply.colour: unknown field (known: code, text)"]


def test_a_refused_pattern_is_said_in_the_files_language() -> None:
    english, chinese = FileProblems("s.toml"), FileProblems("s.toml", "zh")
    for problems in (english, chinese):
        problems.pattern_problem("r", "match.helo", PatternError("too-long", "600"))
    assert f"600 characters long; at most {MAX_PATTERN}" in english.problems[0]
    assert f"600 个字符；最多 {MAX_PATTERN} 个" in chinese.problems[0]
    assert english.problems[0].startswith("s.toml: rule 'r': match.helo: ")


def test_a_regex_only_a_backtracking_engine_runs_says_how_to_rewrite_it() -> None:
    problems = FileProblems("s.toml")
    problems.pattern_problem("r", "match.argument", PatternError("unsupported", "(?=x)"))
    assert "lookaround or a backreference ((?=x))" in problems.problems[0]
