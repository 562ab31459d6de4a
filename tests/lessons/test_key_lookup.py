"""A reply key explained without a session (``smtp-sim explain KEY``): every key of the
catalogue, in every language, with no placeholder left unfilled; an unknown key names the
nearest ones."""

from __future__ import annotations

import pytest

from simulator.lessons.key_lookup import explain_key, is_key_like, near_keys
from simulator.lessons.load import LANGS, default_library
from simulator.lessons.lookup import ExplainError
from simulator.lessons.templates import fill
from simulator.lessons.ui import text
from simulator.protocol.replies import CATALOGUE


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_is_explained_with_its_own_why_and_fix(key: str, lang: str) -> None:
    explained = explain_key(key, lang)
    spec, entry = CATALOGUE[key], default_library().document("keys", lang)[key]
    a = explained.annotation
    assert (a.key, a.code, a.enhanced, a.lang) == (key, spec.code, spec.enhanced, lang)
    assert explained.wire.startswith(" ".join(filter(None, (str(spec.code), spec.enhanced))))
    stand_ins = {name: text(f"explain-key.{name}", lang) for name in
                 ("verb", "argument", "line", "state", "limit", "challenge", "challenge_b64",
                  "decoded")}
    assert a.why == fill(entry["why"].strip(), {**stand_ins, "host": "smtp-sim.localhost",
                                                 "code": str(spec.code)})
    assert "{" not in a.why + a.fix + explained.wire  # every placeholder filled


def test_a_field_of_the_reply_is_named_in_capitals() -> None:
    assert explain_key("rcpt.user-unknown", "en").wire == (
        "550 5.1.1 <PATH>: Recipient address rejected: User unknown in local recipient table")
    assert explain_key("syntax.unknown-command", "zh").wire == (
        '500 5.5.2 Syntax error: command "COMMAND" not recognized')
    assert explain_key("SESSION.QUIT", "en").key == "session.quit"  # any case


@pytest.mark.parametrize(("word", "near"), [
    ("rcpt.user-unkown", "rcpt.user-unknown"),
    ("syntax.unknown-comand", "syntax.unknown-command"),
    ("sequence.rcpt-befor-mail", "sequence.rcpt-before-mail"),
])
def test_a_misspelt_key_names_the_nearest(word: str, near: str) -> None:
    assert near_keys(word)[0] == near
    with pytest.raises(ExplainError) as raised:
        explain_key(word, "zh")
    assert str(raised.value) == text("explain-key.unknown-near", "zh", name=word,
                                     near=", ".join(near_keys(word)))


def test_a_key_of_a_known_area_lists_that_area_and_an_unknown_area_says_what_keys_are() -> None:
    assert near_keys("rcpt.zzzzzzzzzzzz") and all(
        key.startswith("rcpt.") for key in near_keys("rcpt.zzzzzzzzzzzz"))
    with pytest.raises(ExplainError) as raised:
        explain_key("foo.bar", "en")
    assert str(raised.value) == text("explain-key.unknown", "en", name="foo.bar")


@pytest.mark.parametrize(("word", "key_like"), [
    ("syntax.unknown-command", True), ("rcpt.user-unknown", True), ("a.b", True),
    ("550", False), ("5.1.1", False), ("5xx", False), ("x5z", False), ("-", False),
    ("rcpt.", False), (".quit", False), ("rcpt user", False),
])
def test_what_counts_as_a_key(word: str, key_like: bool) -> None:
    assert is_key_like(word) is key_like
