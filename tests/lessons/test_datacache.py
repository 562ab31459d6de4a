"""A shipped lesson file is parsed once per version of its text; the kept copy is never stale,
and a broken, missing or unwritable copy only costs a parse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.lessons import datacache
from simulator.lessons.load import LessonDataError, Library

TEXT = '[codes."250"]\ntitle = "OK"\nwhy = "done"\n'


@pytest.fixture(autouse=True)
def writes_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", False)


def data_dir(tmp_path: Path, text: str = TEXT) -> Path:
    (tmp_path / "codes.en.toml").write_text(text, encoding="utf-8")
    return tmp_path


def kept_files(root: Path) -> list[Path]:
    return sorted((root / datacache.CACHE_DIR).glob("*.marshal"))


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, where: object) -> object:
        raise AssertionError(f"parsed {where} again")
    monkeypatch.setattr(datacache, "parse_toml", refuse)


def test_a_second_library_reads_the_kept_copy_not_the_toml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = data_dir(tmp_path)
    first = Library(root).table("codes", "en", "codes")
    assert [path.name.split(".")[0:3] for path in kept_files(root)] == [["codes", "en", "toml"]]
    no_parsing(monkeypatch)
    assert Library(root).table("codes", "en", "codes") == first == {
        "250": {"title": "OK", "why": "done"}}


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    root = data_dir(tmp_path)
    Library(root).document("codes", "en")
    data_dir(tmp_path, TEXT.replace("OK", "Fine"))
    assert Library(root).table("codes", "en", "codes")["250"]["title"] == "Fine"
    assert len(kept_files(root)) == 2


@pytest.mark.parametrize("garbage", [b"", b"\x00not marshal", b"N"])  # N: marshal of None
def test_a_broken_copy_is_parsed_again_and_replaced(tmp_path: Path, garbage: bytes) -> None:
    root = data_dir(tmp_path)
    Library(root).document("codes", "en")
    [kept] = kept_files(root)
    kept.write_bytes(garbage)
    assert Library(root).table("codes", "en", "codes")["250"]["why"] == "done"
    assert kept.read_bytes() != garbage


def test_nothing_is_written_when_python_writes_no_bytecode(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    root = data_dir(tmp_path)
    assert Library(root).table("codes", "en", "codes")["250"]["title"] == "OK"
    assert not (root / datacache.CACHE_DIR).exists()


def test_a_read_only_place_only_costs_a_parse(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = data_dir(tmp_path)

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "read-only")
    monkeypatch.setattr(os, "replace", refuse)
    assert Library(root).table("codes", "en", "codes")["250"]["title"] == "OK"
    assert kept_files(root) == []
    assert list((root / datacache.CACHE_DIR).iterdir()) == []  # no partial copy left


def test_a_file_that_is_not_toml_is_still_refused(tmp_path: Path) -> None:
    root = data_dir(tmp_path, "[codes\n")
    with pytest.raises(LessonDataError, match=r"codes\.en\.toml"):
        Library(root).document("codes", "en")
    assert kept_files(root) == []
