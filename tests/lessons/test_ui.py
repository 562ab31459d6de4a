"""The faces' own words (lessons/ui.LANG.toml): one lookup, every key in every language with
the same placeholders, and the linter says so when a translation drifts."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from simulator.lessons.check import check_library
from simulator.lessons.load import LANGS, Library, default_library
from simulator.lessons.templates import placeholders
from simulator.lessons.ui import template, text, ui_keys
from tests import ROOT


def _keys(lang: str) -> dict[str, object]:
    return dict(ui_keys(default_library().document("ui", lang)))


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_in_every_language_with_the_same_placeholders(lang: str) -> None:
    reference, mine = _keys(LANGS[0]), _keys(lang)
    assert set(mine) == set(reference)
    for key, value in mine.items():
        assert isinstance(value, str) and (value.strip() or key.startswith("words.")), key
        assert set(placeholders(value)) == set(placeholders(str(reference[key]))), key


def test_text_fills_fields_and_falls_back_to_the_first_language() -> None:
    assert text("console.connected-to", "en", peer="x:25") == "Connected to x:25."
    assert text("console.connected-to", "zh", peer="x:25") == "已连接到 x:25。"
    assert text("console.connected-to", "xx", peer="x:25") == "Connected to x:25."
    assert text("diagram.sequence.need-helo", "zh") == "先要 EHLO/HELO"
    with pytest.raises(KeyError):
        template("console.no-such-key", "en")


def _copy_data(tmp_path: Path) -> Path:
    for source in (ROOT / "lessons").glob("*.toml"):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


def test_the_linter_reports_a_missing_key_and_drifting_placeholders(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    zh = root / "ui.zh.toml"
    body = zh.read_text(encoding="utf-8")
    body = body.replace('reconnected = "已开始新的会话。"\n', "")
    body = body.replace('connected-to = "已连接到 {peer}。"', 'connected-to = "已连接到 {host}。"')
    zh.write_text(body, encoding="utf-8")
    problems = "\n".join(check_library(Library(root)))
    assert "ui.zh.toml: missing UI key console.reconnected" in problems
    assert "ui.zh.toml: [console.connected-to]: placeholders differ from en" in problems
    (root / "ui.zh.toml").unlink()
    assert "ui.zh.toml: file missing" in "\n".join(check_library(Library(root)))


_CJK = re.compile(r"[\u3400-\u9fff]")  # ideographs: punctuation sets (wrap.py) are rules
_PICKER = re.compile(r'if lang == "\w+" else|\[lang == "\w+"\]')


def test_no_sentence_of_a_language_is_left_in_the_code() -> None:
    """No Chinese string constant and no ``x if lang == "zh" else y`` picker under simulator/."""
    found = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found += [f"{path.name}: picker" for _ in _PICKER.finditer(source)]
        tree = ast.parse(source)
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                    | ast.AsyncFunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings and _CJK.search(node.value)):
                found.append(f"{path.name}: {node.value[:30]!r}")
    assert found == []


def test_one_list_of_languages() -> None:
    """LANGS is defined once (lessons/load.py) and imported everywhere else."""
    defined = [path.relative_to(ROOT).as_posix() for path in ROOT.glob("[st]*/**/*.py")
               if re.search(r"^LANGS\s*(:[^=]*)?=", path.read_text(encoding="utf-8"), re.M)]
    assert defined == ["simulator/lessons/load.py"]
