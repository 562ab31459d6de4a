"""Loading lesson data: one list of languages, a missing file reads as empty, a broken file
says which file it is, and every file is read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.lessons.load import LANGS, LessonDataError, Library, check_lang, default_library


def test_only_a_known_language_is_accepted() -> None:
    assert [check_lang(lang) for lang in LANGS] == list(LANGS)
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of en, zh"):
        check_lang("fr")


def test_a_missing_file_or_table_reads_as_empty(tmp_path: Path) -> None:
    (tmp_path / "codes.en.toml").write_text('x = 1\n[codes]\n"250" = { title = "OK" }\n',
                                            encoding="utf-8")
    library = Library(tmp_path)
    assert library.exists("codes", "en") and not library.exists("codes", "zh")
    assert library.document("codes", "zh") == {}
    assert library.table("codes", "en", "codes") == {"250": {"title": "OK"}}
    assert library.table("codes", "en", "x") == {} and library.table("codes", "en", "none") == {}


def test_a_broken_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "keys.zh.toml").write_text("[keys\n", encoding="utf-8")
    with pytest.raises(LessonDataError, match=r"^keys\.zh\.toml: "):
        Library(tmp_path).document("keys", "zh")


def test_a_file_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "ui.en.toml"
    path.write_text('[words]\nyes = "yes"\n', encoding="utf-8")
    library = Library(tmp_path)
    first = library.table("ui", "en", "words")
    path.write_text('[words]\nyes = "changed"\n', encoding="utf-8")
    assert library.table("ui", "en", "words") == first == {"yes": "yes"}


def test_the_shipped_data_has_every_kind_in_every_language() -> None:
    library = default_library()
    assert all(library.exists(kind, lang) for kind in ("codes", "keys", "compare", "ui")
               for lang in LANGS)
