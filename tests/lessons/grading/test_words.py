"""grade.LANG.toml: every built-in item has its title and fix in every language, and every
sentence of the report has the same placeholders in each."""

from __future__ import annotations

import re

import pytest

from simulator.lessons.grading.judge import BUILTIN_ITEMS
from simulator.lessons.grading.model import Item
from simulator.lessons.grading.words import KIND, item_text, say
from simulator.lessons.load import LANGS, default_library


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("item", sorted(BUILTIN_ITEMS))
def test_every_item_has_its_words(item: str, lang: str) -> None:
    for name in ("title", "fix"):
        text = item_text(Item(item, 1), lang, name)
        assert text and text != item


@pytest.mark.parametrize("section", ["report", "errors"])
def test_every_sentence_in_every_language(section: str) -> None:
    tables = {lang: default_library().table(KIND, lang, section) for lang in LANGS}
    assert len({frozenset(table) for table in tables.values()}) == 1
    for entry, english in tables["en"].items():
        for lang in LANGS:
            fields = set(re.findall(r"{(\w+)}", str(tables[lang][entry])))
            assert fields == set(re.findall(r"{(\w+)}", str(english))), (lang, entry)
    assert say("zh", "report", "total", score=1, max=2) == "总分：1/2 分"
