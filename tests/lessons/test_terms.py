"""One Chinese term per concept across every lesson file (the ones other work adds too).

Each zh string is checked against its English twin (same file kind, same table path): a
term may only appear where the English text speaks of the same concept, and the concept's
term must appear where it does. Relay is 中继 and forward is 转发 (251, 551); octet is 字节
(glossed 字节（octet，8 位）); bare LF is 裸 LF; 问候语 is the 220 greeting only.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import pytest

from tests import ROOT

LESSONS: Final = ROOT / "lessons"
ZH_FILES: Final = sorted(p for p in LESSONS.glob("*.zh.toml")
                         if (LESSONS / p.name.replace(".zh.", ".en.")).is_file())
CLASS_TITLES: Final = {"1": "肯定初步回复", "2": "肯定完成回复", "3": "肯定中间回复",
                       "4": "暂时否定回复", "5": "永久否定回复"}


def strings(table: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, str]]:
    for name, value in table.items():
        where = f"{path}.{name}" if path else name
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, Mapping):
            yield from strings(value, where)


def twins(zh_file: Path) -> list[tuple[str, str, str]]:
    """(table path, English text, Chinese text) for every string both files hold."""
    en_file = zh_file.with_name(zh_file.name.replace(".zh.", ".en."))
    en = dict(strings(tomllib.loads(en_file.read_text("utf-8"))))
    zh = dict(strings(tomllib.loads(zh_file.read_text("utf-8"))))
    return [(where, en[where], zh[where]) for where in sorted(set(en) & set(zh))]


# (Chinese term, English words one of which its twin must contain)
ONLY_WHERE: Final = (
    ("转发", ("forward",)),
    ("中继", ("relay",)),
    ("问候语", ("greeting", "220", "banner")),
    ("正文", ("body",)),
)
# (English word, the Chinese term its twin must contain)
ALWAYS: Final = (
    (re.compile(r"\brelay", re.I), "中继"),
    (re.compile(r"\bbare LF\b"), "裸 LF"),
    (re.compile(r"\bbare CR\b"), "裸 CR"),
    (re.compile(r"\boctets?\b"), "字节"),
)


@pytest.mark.parametrize("zh_file", ZH_FILES, ids=lambda p: p.name)
def test_each_term_is_used_only_for_its_concept(zh_file: Path) -> None:
    wrong = [(where, term) for where, en, zh in twins(zh_file) for term, words in ONLY_WHERE
             if term in zh and not any(word in en.lower() for word in words)]
    assert wrong == []


@pytest.mark.parametrize("zh_file", ZH_FILES, ids=lambda p: p.name)
def test_each_concept_has_its_term(zh_file: Path) -> None:
    missing = [(where, term) for where, en, zh in twins(zh_file) for word, term in ALWAYS
               if word.search(en) and term not in zh]
    assert missing == []


@pytest.mark.parametrize("zh_file", ZH_FILES, ids=lambda p: p.name)
def test_words_that_are_not_our_terms_are_absent(zh_file: Path) -> None:
    text = zh_file.read_text("utf-8")
    for word in ("八位组", "八位字节", "单独的 LF", "单独的 CR", "肯定的完成", "肯定的中间",
                 "肯定的初步", "暂时性否定", "永久性否定", "“{state}”"):
        assert word not in text, word


@pytest.mark.parametrize("zh_file", ZH_FILES, ids=lambda p: p.name)
def test_octet_is_glossed_in_every_file_that_counts_them(zh_file: Path) -> None:
    text = zh_file.read_text("utf-8")
    if any(re.search(r"\boctets?\b", en) for _, en, _ in twins(zh_file)):
        assert "字节（octet，8 位）" in text


def test_class_titles_are_the_standard_chinese_ones() -> None:
    codes = tomllib.loads((LESSONS / "codes.zh.toml").read_text("utf-8"))
    assert {d: t["title"] for d, t in codes["classes"]["first"].items()} == CLASS_TITLES
