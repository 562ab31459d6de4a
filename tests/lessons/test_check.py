"""The authors' linter (lessons/check.py): the shipped data is clean, and each kind of problem is reported."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from simulator.lessons.check import catalogue_enhanced, check_library
from simulator.lessons.entries import enhanced_entry
from simulator.lessons.load import LANGS, Library, default_library


@pytest.mark.parametrize("lang", LANGS)
def test_every_enhanced_code_the_engine_sends_is_explained(lang: str) -> None:
    for pattern in catalogue_enhanced():
        assert enhanced_entry(pattern, lang).description


def test_linter_reports_each_kind_of_problem(tmp_path: Path) -> None:
    real = default_library().root
    for name in ("codes", "compare"):
        for lang in LANGS:
            text = (real / f"{name}.{lang}.toml").read_text(encoding="utf-8")
            (tmp_path / f"{name}.{lang}.toml").write_text(text, encoding="utf-8")
    zh_codes = tmp_path / "codes.zh.toml"
    zh_codes.write_text(zh_codes.read_text(encoding="utf-8").replace(
        'title = "正在关闭连接"', 'title = "Closing"'), encoding="utf-8")
    keys = textwrap.dedent("""
        ["syntax.unknown-command"]
        why = "You typed {verb} and {command}."
        fix = "Use {{braces}} and {"
        rfc = "RFC 5321 §4.2.4"
        extra = "x"
        ["no.such-key"]
        why = "x"
        fix = "y"
        rfc = "RFC 5321"
        """)
    (tmp_path / "keys.en.toml").write_text(keys, encoding="utf-8")
    (tmp_path / "keys.zh.toml").write_text("not = [valid", encoding="utf-8")
    problems = "\n".join(check_library(Library(tmp_path)))
    assert "unknown placeholder {command}" in problems
    assert "literal braces" in problems
    assert "unknown field 'extra'" in problems
    assert "unknown catalogue key no.such-key" in problems
    assert "missing catalogue key session.quit" in problems
    assert "keys.zh.toml: not valid TOML" in problems
    assert "[codes.221]: 'title' has no Chinese text" in problems
