"""The classroom's words: every entry in every language, the same placeholders, Chinese
that reads as Chinese, and a short title for every mistake the engine can report."""

from __future__ import annotations

import re

import pytest

from simulator.lessons.classmodel.model import NOT_MISTAKES
from simulator.lessons.classroom import SECTIONS, columns, mistake_title, reply_title, words
from simulator.lessons.load import LANGS
from simulator.lessons.rules import reads_as_chinese
from simulator.lessons.templates import placeholders
from simulator.protocol import CATALOGUE


def fields(text: str) -> set[str]:
    """The placeholders of a text: plain names only, as lessons/templates.py requires."""
    return set(placeholders(text))


@pytest.mark.parametrize("section", SECTIONS)
def test_every_entry_exists_in_every_language_with_the_same_placeholders(section: str) -> None:
    tables = {lang: words(lang, section) for lang in LANGS}
    assert tables["en"], section
    for lang, table in tables.items():
        assert set(table) == set(tables["en"]), (section, lang)
        for key, value in table.items():
            if isinstance(value, str):
                assert fields(value) == fields(str(tables["en"][key])), (section, lang, key)
                assert value.strip()
                bare = re.sub(r"\{[^}]*\}", "", value).strip()
                if lang == "zh" and section != "mistakes" and len(bare) > 12:
                    assert reads_as_chinese(bare), (section, key)


def test_columns_match_in_number() -> None:
    assert len(columns("en")) == len(columns("zh")) == 12


def test_every_error_the_engine_sends_has_a_short_mistake_title() -> None:
    for key, spec in CATALOGUE.items():
        if spec.code >= 400 and key not in NOT_MISTAKES:
            for lang in LANGS:
                assert key in words(lang, "mistakes"), (key, lang)
    assert mistake_title("rcpt.some-new-rule", 550, "en").startswith("Requested action not")


def test_every_reply_key_has_one_short_title_in_each_language() -> None:
    """The dashboard's "last reply" column reads ``221 closing``: a short title per key."""
    for lang in LANGS:
        mistakes, replies = words(lang, "mistakes"), words(lang, "replies")
        assert not set(mistakes) & set(replies), lang  # one title per key, not two
        for key, spec in CATALOGUE.items():
            assert key in mistakes or key in replies, (key, lang)
            assert reply_title(key, spec.code, lang) == (replies.get(key) or mistakes[key])
    assert reply_title("session.quit", 221, "en") == "closing"
    assert reply_title("session.quit", 221, "zh") == "关闭连接"
    assert reply_title("syntax.space-after-colon", 501, "en") == "space around the colon"
