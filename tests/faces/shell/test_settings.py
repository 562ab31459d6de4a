"""Settings and history live under SMTP_SIM_HOME in tests, never in the real home."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.faces.shell.settings import (
    Settings,
    choose_lang,
    data_dir,
    history_path,
    load_settings,
    save_settings,
)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_the_override_is_honoured(home: Path) -> None:
    assert data_dir() == home
    assert history_path() == home / "history"
    assert home.is_dir()


def test_language_round_trips_and_the_flag_wins(home: Path) -> None:
    assert choose_lang(None) == "en"
    assert save_settings(Settings(lang="zh"))
    assert load_settings() == Settings(lang="zh")
    assert choose_lang(None) == "zh"
    assert choose_lang("en") == "en"


def test_broken_settings_fall_back_to_defaults(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "settings.json").write_text("{not json", encoding="utf-8")
    assert load_settings() == Settings()
    (home / "settings.json").write_text('{"lang": "fr"}', encoding="utf-8")
    assert load_settings() == Settings()


def test_unwritable_home_is_reported_not_raised(home: Path) -> None:
    home.parent.mkdir(parents=True, exist_ok=True)
    home.write_text("a file where the directory should be", encoding="utf-8")
    assert save_settings(Settings(lang="zh")) is False
