"""Comparisons: authored ones in either order, composed ones for any other pair."""
from __future__ import annotations

import pytest

from simulator.lessons.compose import REQUIRED_COMPARISONS, compare, compare_entries
from simulator.lessons.entries import code_entry, pair_entry
from simulator.lessons.load import LANGS


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", REQUIRED_COMPARISONS)
def test_authored_comparisons_exist(name: str, lang: str) -> None:
    parts = [part.partition(" ") for part in name.split("-")]
    entries = [pair_entry(int(code), enhanced, lang) if enhanced else code_entry(int(code), lang)
               for code, _, enhanced in parts]
    comparison = compare_entries(entries, lang)
    assert comparison.name == name
    assert comparison.authored
    assert comparison.difference and comparison.which


@pytest.mark.parametrize("lang", LANGS)
def test_seed_pair_is_authored_in_either_order(lang: str) -> None:
    assert compare(500, 221, lang) == compare(221, 500, lang)
    assert compare(221, 500, lang).authored


def test_a_pair_inside_an_authored_triple_uses_it() -> None:
    assert compare(251, 250).codes == (250, 251, 252)


def test_other_pairs_are_composed_class_difference_first() -> None:
    en = compare(214, 503, "en")
    assert not en.authored
    assert en.difference.startswith("214 is a 2xx reply")
    assert "503 is a 5xx reply" in en.difference.splitlines()[1]
    zh = compare(214, 503, "zh")
    assert zh.difference.startswith("214 属于 2xx")


def test_same_class_pairs_say_so() -> None:
    assert "All of them are 5xx" in compare(502, 555, "en").difference
