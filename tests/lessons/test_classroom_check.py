"""``lessons check`` on the classroom's short titles: a reply key without its title in
``classroom.LANG.toml`` is named with the file and the language, as is a title in the wrong
table, in both, or for a key the catalogue does not have. Each case edits a copy of the
shipped data (without the course, whose replay is tests/lessons/course/test_course.py's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.lessons.classroom_check import check_titles, title_table
from simulator.lessons.load import Library, data_root
from simulator.protocol.replies import CATALOGUE


def library_copy(tmp_path: Path) -> Path:
    root = tmp_path / "lessons"
    shutil.copytree(data_root(), root, ignore=shutil.ignore_patterns("course"))
    return root


def edit(root: Path, lang: str, old: str, new: str) -> None:
    path = root / f"classroom.{lang}.toml"
    source = path.read_text("utf-8")
    assert old in source, old
    path.write_text(source.replace(old, new, 1), "utf-8")


def title_line(root: Path, lang: str, key: str) -> str:
    line = next(line for line in (root / f"classroom.{lang}.toml").read_text("utf-8").splitlines()
                if line.startswith(f'"{key}" = '))
    return line + "\n"


def test_the_shipped_titles_are_complete() -> None:
    assert check_titles(Library(data_root())) == []


@pytest.mark.parametrize(("lang", "key"), [
    ("zh", "syntax.unknown-command"),  # a mistake: [mistakes]
    ("en", "rcpt.user-unknown"),
    ("zh", "session.quit"),  # not a mistake: [replies]
    ("en", "data.accepted"),
])
def test_lessons_check_names_a_reply_key_without_its_short_title(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        lang: str, key: str) -> None:
    root = library_copy(tmp_path)
    edit(root, lang, title_line(root, lang, key), "")
    monkeypatch.setattr("simulator.faces.lessons_check.default_library", lambda: Library(root))
    assert main(["lessons", "check"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f'classroom.{lang}.toml: [{title_table(key)}] "{key}": missing the short title in '
        f"{lang} of this reply key (one line, as the dashboard shows it)"]


def test_a_mistake_titled_as_a_plain_reply_is_told_to_move(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    line = title_line(root, "en", "syntax.unknown-command")
    edit(root, "en", line, "")
    edit(root, "en", "[replies]\n", "[replies]\n" + line)
    assert check_titles(Library(root)) == [
        'classroom.en.toml: [replies] "syntax.unknown-command": a mistake the student makes '
        f"(code {CATALOGUE['syntax.unknown-command'].code}): move its title to [mistakes]"]


def test_a_title_in_both_tables_an_unknown_key_and_an_empty_title_are_named(
        tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    edit(root, "zh", "[replies]\n", '[replies]\n"syntax.unknown-command" = "未知命令"\n')
    edit(root, "zh", "[mistakes]\n", '[mistakes]\n"rcpt.no-such-key" = "没有这个键"\n')
    edit(root, "en", title_line(root, "en", "session.quit"), '"session.quit" = " "\n')
    assert check_titles(Library(root)) == [
        'classroom.en.toml: [replies] "session.quit": the short title must be one line of text',
        'classroom.zh.toml: [mistakes] "rcpt.no-such-key": names no reply key of the catalogue '
        "(simulator/protocol/replies.py); fix the key or remove the line",
        'classroom.zh.toml: [mistakes] "syntax.unknown-command": titled in [mistakes] and '
        "[replies]; keep one"]


def test_a_missing_classroom_file_is_named(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    (root / "classroom.zh.toml").unlink()
    assert check_titles(Library(root)) == ["classroom.zh.toml: file missing"]
