"""The user's data directory: SMTP_SIM_HOME wins, a write replaces the whole file or nothing,
and the console's saved language is read back only when it is one we know."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from simulator.client.home import data_dir, history_file, saved_lang, write_atomically
from tests.hostile_files import DEEP_JSON, KINDS, NOT_FILES, make


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_the_override_is_the_data_directory_and_is_not_created(home: Path) -> None:
    assert data_dir() == home and not home.exists()


def test_without_the_override_it_is_the_platform_directory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTP_SIM_HOME")
    assert data_dir().name == "smtp-sim"


def test_a_write_replaces_the_file_and_leaves_no_temporary_behind(home: Path) -> None:
    target = home / "deep" / "settings.json"
    write_atomically(target, "first")
    write_atomically(target, "第二")
    assert target.read_text(encoding="utf-8") == "第二"
    assert [path.name for path in target.parent.iterdir()] == ["settings.json"]


def test_a_failed_write_keeps_the_old_file(home: Path) -> None:
    target = home / "settings.json"
    write_atomically(target, "kept")
    with pytest.raises(OSError):
        write_atomically(target / "not-a-directory", "lost")
    assert target.read_text(encoding="utf-8") == "kept"


@pytest.mark.parametrize(("content", "lang"), [
    ('{"lang": "zh"}', "zh"), ('{"lang": "fr"}', None), ('["zh"]', None), ("{not json", None),
])
def test_the_saved_language_only_when_known(home: Path, content: str, lang: str | None) -> None:
    assert saved_lang(("en", "zh")) is None  # nothing saved yet
    write_atomically(home / "settings.json", content)
    assert saved_lang(("en", "zh")) == lang


@pytest.mark.parametrize("kind", KINDS)
def test_no_saved_language_from_a_file_that_is_not_small_json(home: Path, kind: str) -> None:
    home.mkdir(parents=True)
    make(kind, home / "settings.json", DEEP_JSON)
    started = time.monotonic()
    assert saved_lang(("en", "zh")) is None
    assert time.monotonic() - started < 2


def test_each_writer_has_its_own_temporary(home: Path) -> None:
    target = home / "settings.json"
    home.mkdir()
    (home / f".settings.json.{os.getpid()}.tmp").mkdir()  # what an earlier writer left
    write_atomically(target, "mine")
    assert target.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_a_history_that_is_not_a_file_is_not_read_back(home: Path, kind: str) -> None:
    home.mkdir()
    path = NOT_FILES[kind](home / "history")
    with pytest.raises(OSError, match="not a usable history file"):
        history_file(path)


def test_a_history_file_or_none_yet_is_used(home: Path) -> None:
    home.mkdir()
    assert history_file(home / "history") == home / "history"
    (home / "history").write_text("\n# 2026\n+EHLO a.example\n")
    assert history_file(home / "history") == home / "history"
