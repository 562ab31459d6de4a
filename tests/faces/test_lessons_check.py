"""smtp-sim lessons check: clean on the shipped data, a list of problems and exit 1 otherwise."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.lessons.load import Library
from tests.wording import says


def test_lessons_check_passes_on_the_real_data(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["lessons", "check"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "clean" in out


def test_run_check_fails_with_a_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    import simulator.faces.lessons_check as check

    monkeypatch.setattr(check, "default_library", lambda: Library(tmp_path))
    assert main(["lessons", "check"]) == 1
    out = capsys.readouterr().out
    assert "codes.en.toml: file missing" in out


def test_lessons_check_refuses_a_scenario_whose_regex_cannot_run_in_linear_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "teacher.toml"
    bad.write_text('[[rule]]\nname = "school-only"\non = "mail"\n'
                   "match = { argument = '^(?!.*@school\\.example>).*' }\n"
                   'reply = { code = 550, enhanced = "5.7.1", text = "School only" }\n', encoding="utf-8")
    status = main(["lessons", "check", "--scenario", str(bad)])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out.startswith(f"{bad}: rule 'school-only': match.argument: the regular "
                                   f"expression uses lookaround"), captured.out
    assert "1 problem(s)" in captured.err
    assert main(["--lang", "zh", "lessons", "check", "--scenario", str(bad)]) == 1
    assert says(capsys.readouterr().out, "scenario-file.regex-unsupported", "zh")
