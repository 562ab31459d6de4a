"""The per-reply-key explanations (lessons/keys.LANG.toml) are complete, valid and usable.

Every reply the engine can send has a catalogue key (simulator/protocol/replies.py); a learner
who gets that reply must find a `why`, a `fix` and the RFC rule behind it, in English and in
Chinese, and every template must fill without error from the fields annotate() provides.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from typing import Any, Final

import pytest

from simulator.lessons.annotate import PLACEHOLDERS
from simulator.lessons.load import LANGS
from simulator.lessons.rules import is_rfc_reference, reads_as_chinese, reads_as_english
from simulator.protocol import CATALOGUE
from tests import ROOT

LESSONS_DIR: Final = ROOT / "lessons"
FIELDS: Final = ("why", "fix", "rfc")
TEXT_FIELDS: Final = ("why", "fix")
ALLOWED_PLACEHOLDERS: Final = frozenset(PLACEHOLDERS)
SAMPLE: Final[Mapping[str, str]] = {
    "verb": "MAIL",
    "argument": "FROM:<a@b.example>",
    "line": "MAIL FROM:<a@b.example>",
    "code": "501",
    "host": "smtp-sim.localhost",
    "state": "greeted",
    "limit": "100",
    "challenge": "Username:",
    "challenge_b64": "VXNlcm5hbWU6",
    "decoded": "student",
}

NO_COMMAND_WORD: Final = frozenset({
    "session.greeting", "session.timeout", "session.shutdown", "session.too-many-errors",
    "session.too-many-clients", "session.too-many-from-client", "data.accepted", "data.storage-failed",
    "data.storage-full", "session.too-slow", "data.bare-lf",
    "data.bare-cr", "data.line-too-long", "limits.message-too-big",
    "session.greeting-scenario", "session.hung-up", "data.spam", "session.greeting-watch",
})
"""Replies not caused by a typed command line (greeting, idle, shutdown, the final dot):
their Exchange has no command word, so {verb} would be empty."""


def load(lang: str) -> dict[str, Any]:
    with (LESSONS_DIR / f"keys.{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)


DATA: Final[Mapping[str, dict[str, Any]]] = {lang: load(lang) for lang in LANGS}


def placeholders(template: str) -> list[str]:
    """The field names a template uses; format specs and conversions are reported too."""
    names: list[str] = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        names.append(name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""))
    return names


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalogue_key_is_explained_and_nothing_else(lang: str) -> None:
    assert sorted(DATA[lang]) == sorted(CATALOGUE)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_entry_has_exactly_why_fix_rfc_non_empty(lang: str, key: str) -> None:
    """why, fix, rfc; and a title of its own where the code's would mislead, in every
    language or none."""
    entry = DATA[lang][key]
    assert sorted(set(entry) - {"title"}) == sorted(FIELDS)
    assert all(("title" in DATA[other][key]) == ("title" in entry) for other in LANGS)
    for field in FIELDS:
        assert isinstance(entry[field], str) and entry[field].strip(), (lang, key, field)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_only_allowed_placeholders(lang: str, key: str) -> None:
    for field in TEXT_FIELDS:
        used = set(placeholders(DATA[lang][key][field]))
        assert used <= ALLOWED_PLACEHOLDERS, (lang, key, field, used - ALLOWED_PLACEHOLDERS)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_templates_fill_with_sample_values(lang: str, key: str) -> None:
    for field in TEXT_FIELDS:
        text = DATA[lang][key][field].format(**SAMPLE)
        assert text.strip()
        assert "{" not in text and "}" not in text, (lang, key, field, text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(NO_COMMAND_WORD))
def test_replies_without_a_command_word_do_not_use_verb(lang: str, key: str) -> None:
    for field in TEXT_FIELDS:
        assert "verb" not in placeholders(DATA[lang][key][field]), (lang, key, field)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_limit_is_used_only_by_limit_keys(lang: str, key: str) -> None:
    if key.startswith("limits."):
        return
    for field in TEXT_FIELDS:
        assert "limit" not in placeholders(DATA[lang][key][field]), (lang, key, field)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_cite_the_same_rule_and_use_the_same_placeholders(key: str) -> None:
    en, zh = DATA["en"][key], DATA["zh"][key]
    assert en["rfc"] == zh["rfc"]
    for field in TEXT_FIELDS:
        assert set(placeholders(en[field])) == set(placeholders(zh[field])), (key, field)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_rfc_reference_names_an_rfc_and_a_section(key: str) -> None:
    rfc = DATA["en"][key]["rfc"]
    assert is_rfc_reference(rfc), (key, rfc)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_chinese_text_is_chinese_and_english_text_is_not(key: str) -> None:
    for field in TEXT_FIELDS:
        assert reads_as_chinese(DATA["zh"][key][field]), (key, field)
        assert reads_as_english(DATA["en"][key][field]), (key, field)

