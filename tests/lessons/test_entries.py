"""Code entries: every required code has every section; an unknown code raises."""
from __future__ import annotations

import pytest

from simulator.lessons.entries import REQUIRED_CODES, UnknownCodeError, code_entry
from simulator.lessons.load import LANGS, Library


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_code_has_every_section(code: int, lang: str) -> None:
    entry = code_entry(code, lang)
    for text in (entry.title, entry.description, entry.when, entry.fix, entry.rfc,
                 entry.first.title, entry.first.meaning, entry.second.title):
        assert text.strip()
    assert "\n" not in entry.title


def test_unknown_code_entry_raises(library: Library) -> None:
    with pytest.raises(UnknownCodeError):
        code_entry(421, "en", library=library)
