"""The one escaper: what a learner typed reads as typed (any script, CJK punctuation, emoji),
and nothing that can move the cursor, recolour, reorder or hide text reaches a screen."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.protocol.escape import quote, show_bytes, show_text


@pytest.mark.parametrize("typed", [
    "HELO 你好，世界！", "「引号」『书名』《标题》、。；：？", "👍🎉 ok", "Grüße, Ώρα, Привет", "한국어 テスト",
])
def test_letters_punctuation_and_emoji_are_shown_as_typed(typed: str) -> None:
    assert show_text(typed) == typed
    assert show_bytes(typed.encode()) == typed


@pytest.mark.parametrize(("typed", "shown"), [
    ("a\u202eevil", "a\\u202eevil"),        # right-to-left override (bidi)
    ("a\u2066b\u2069", "a\\u2066b\\u2069"),  # bidi isolates
    ("zero\u200bwidth", "zero\\u200bwidth"),  # zero-width space
    ("j\u200dn", "j\\u200dn"),              # zero-width joiner
    ("\ufeffBOM", "\\ufeffBOM"),
    ("soft\u00adhyphen", "soft\\u00adhyphen"),
    ("line\u2028sep", "line\\u2028sep"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("del\x7f", "del\\x7f"),
    ("c1\x9b2J", "c1\\u009b2J"),            # a C1 character, not the undecodable byte \x9b
    ("private\ue000", "private\\ue000"),
    ("astral private \U000f0000", "astral private \\U000f0000"),
    ("unassigned \U0003ffff", "unassigned \\U0003ffff"),
    ("tab\there", "tab\\there"),
    ("back\\slash", "back\\\\slash"),
])
def test_what_can_harm_or_hide_is_escaped(typed: str, shown: str) -> None:
    assert show_text(typed) == shown


def test_undecodable_bytes_and_lone_surrogates() -> None:
    assert show_bytes(b"caf\xe9 \x9b") == "caf\\xe9 \\x9b"
    assert show_text("a\ud800b") == "a\\ud800b"


def test_quote_is_ascii_and_shows_letters_beyond_it_as_question_marks() -> None:
    """RFC 6531 §3.7.4: a reply is ASCII; a Python escape (\\u4f60) is no way to show 你."""
    assert quote("👍") == "?"
    assert quote("你好") == "??"
    assert quote("é") == "?"
    assert quote("a\u202eb") == "a\\u202eb"  # what can hide text is still escaped
    assert quote("\U000f0000") == "\\U000f0000"


@given(st.text())
def test_nothing_harmful_survives(text: str) -> None:
    shown = show_text(text)
    hidden = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
    assert not any(unicodedata.category(ch) in hidden for ch in shown)


@given(st.binary(max_size=4), st.binary(max_size=4))
def test_the_escape_of_bytes_is_unambiguous(one: bytes, other: bytes) -> None:
    """Different bytes never look the same (U+0080 typed is not the undecodable byte 0x80)."""
    if one != other:
        assert show_bytes(one, visible_eol=True) != show_bytes(other, visible_eol=True)
    assert show_bytes(b"\xc2\x80") != show_bytes(b"\x80")


@pytest.mark.parametrize(("typed", "shown"), [
    (r":b64 \0student\0secret", r":b64 \0student\0secret"),
    ("C:\\mail\\out.md", "C:\\mail\\out.md"),
    ("a\x1b[2Jb\\n", "a\\x1b[2Jb\\n"),      # the control is still escaped, the backslash kept
    ("zero\u200bwidth\\", "zero\\u200bwidth\\"),
])
def test_typed_text_keeps_its_backslashes_and_still_escapes_what_harms(
        typed: str, shown: str) -> None:
    """What the learner typed is shown back as typed: a backslash is escaped only where an
    escape must be told from a byte (wire lines), not when it is echoed."""
    from simulator.protocol.escape import show_typed

    assert show_typed(typed) == shown
    assert show_typed(typed * 20, limit=30).endswith("...")
    assert len(show_typed(typed * 20, limit=30)) <= 30
