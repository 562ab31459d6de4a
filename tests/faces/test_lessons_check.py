"""smtp-sim lessons check: clean on the shipped data, a list of problems and exit 1 otherwise."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.lessons import (
    Library,
)


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
