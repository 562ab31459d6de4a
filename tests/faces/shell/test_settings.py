"""Settings and history live under SMTP_SIM_HOME in tests, never in the real home."""

from __future__ import annotations

import json
import time
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
from tests.hostile_files import DEEP_JSON, KINDS, NOT_FILES, make


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


@pytest.mark.parametrize("kind", KINDS)
def test_settings_that_are_not_a_small_json_file_give_the_defaults_at_once(
        home: Path, kind: str) -> None:
    home.mkdir(parents=True)
    make(kind, home / "settings.json", DEEP_JSON)
    started = time.monotonic()
    assert load_settings() == Settings()
    assert choose_lang(None) == "en"
    assert time.monotonic() - started < 2


def test_saving_keeps_what_another_process_wrote_and_leaves_no_temporary(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "settings.json").write_text('{"lang": "en", "theme": "dark"}', encoding="utf-8")
    assert save_settings(Settings(lang="zh")) is True
    assert json.loads((home / "settings.json").read_text()) == {"lang": "zh", "theme": "dark"}
    assert sorted(path.name for path in home.iterdir()) == ["settings.json",
                                                            "settings.json.lock"]


def test_saving_over_settings_that_are_not_json_replaces_them(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "settings.json").write_text(DEEP_JSON, encoding="utf-8")
    assert save_settings(Settings(lang="zh")) is True
    assert load_settings() == Settings(lang="zh")


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_a_history_that_is_not_a_file_leaves_the_console_a_history_in_memory(
        home: Path, kind: str) -> None:
    from prompt_toolkit.history import InMemoryHistory

    from simulator.faces.shell.app import _history

    home.mkdir(parents=True)
    NOT_FILES[kind](home / "history")
    assert isinstance(_history(), InMemoryHistory)
