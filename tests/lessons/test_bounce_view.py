"""A bounce explained in en and zh: the reply's words come from the lessons' entries (pairs
first), who refused names the hop, retry follows the class and the Action field."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from simulator.lessons.bounce_view import BounceView, explain_bounce
from simulator.lessons.bounces import Bounce, Failure, read_bounce
from simulator.lessons.entries import code_entry, enhanced_entry, pair_entry
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text

SAMPLES: Final = Path(__file__).parent / "bounces"


def view_of(name: str, lang: str) -> BounceView:
    return explain_bounce(read_bounce((SAMPLES / name).read_bytes()), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_known_pair_is_explained_by_its_own_entry(lang: str) -> None:
    view = view_of("postfix.eml", lang)
    (dave,) = view.recipients
    pair = pair_entry(550, "5.7.26", lang)
    assert (dave.title, dave.meaning, dave.fix) == (pair.heading, pair.description, pair.fix)
    assert dave.who == text("bounce.who-remote", lang, remote="mx1.yahoo.example",
                            reporter="mx.example.org")
    assert dave.retry == text("bounce.retry-permanent", lang) and not dave.retry_later
    assert view.summary == text("bounce.kind-postfix", lang, reporter="mx.example.org", count=1)


@pytest.mark.parametrize("lang", LANGS)
def test_a_delayed_recipient_is_not_to_be_sent_again(lang: str) -> None:
    bob, carol = view_of("rfc3464.eml", lang).recipients
    assert bob.retry == text("bounce.retry-permanent", lang)
    assert carol.retry == text("bounce.retry-delayed", lang) and carol.retry_later
    assert carol.who == text("bounce.who-reporter", lang, reporter="relay.example.org")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("name", "who"), [
    ("gmail.eml", "bounce.who-remote-unnamed"), ("microsoft.eml", "bounce.who-remote-unnamed"),
    ("swaks.txt", "bounce.who-swaks")])
def test_who_refused_for_each_kind(lang: str, name: str, who: str) -> None:
    view = view_of(name, lang)
    shown = text(who, lang, reporter=view.reporting_mta, host=view.reporting_mta)
    assert all(recipient.who == shown for recipient in view.recipients)


@pytest.mark.parametrize("lang", LANGS)
def test_swaks_retry_follows_the_class(lang: str) -> None:
    nobody, greylist = view_of("swaks.txt", lang).recipients
    assert nobody.retry == text("bounce.retry-swaks-5", lang)
    assert greylist.retry == text("bounce.retry-swaks-4", lang) and greylist.retry_later


@pytest.mark.parametrize("lang", LANGS)
def test_a_code_without_a_pair_shows_both_entries(lang: str) -> None:
    bounce = Bounce("dsn", "mx.example.org", (
        Failure("a@example.net", "failed", "5.2.1", 550, "550 5.2.1 disabled", ""),), ())
    (view,) = explain_bounce(bounce, lang).recipients
    code, enhanced = code_entry(550, lang), enhanced_entry("5.2.1", lang)
    assert view.title == f"{code.heading} · {enhanced.heading}"
    assert enhanced.description in view.meaning and view.fix == code.fix


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_detail_falls_back_to_its_subject(lang: str) -> None:
    bounce = Bounce("dsn", "", (Failure("a@example.net", "failed", "5.7.99", None, "", ""),), ())
    (view,) = explain_bounce(bounce, lang).recipients
    assert view.title.startswith("5.7.99 (5.7.x) ")
    assert enhanced_entry("5.7.0", lang).description == view.meaning
    assert view.who == text("bounce.who-unknown", lang)


def test_control_characters_from_the_file_are_escaped() -> None:
    bounce = Bounce("dsn", "evil\x1b[2J.example", (
        Failure("a\x1b]0;x\x07@example.net", "failed", "5.1.1", 550, "550 \x1b[31mred", ""),),
        ("a\x1b[1m -> b",))
    view = explain_bounce(bounce, "en")
    shown = [view.summary, view.route, *(getattr(view.recipients[0], f) for f in
                                         ("recipient", "said", "who"))]
    assert not any("\x1b" in part or "\x07" in part for part in shown)


MS_TEXT: Final = (SAMPLES / "microsoft.eml").read_bytes()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("quoted", [b"'550 5.1.10 ", b"'5.1.10 "])
def test_microsoft_5_1_10_is_a_recipient_not_found_not_a_null_mx(lang: str, quoted: bytes) -> None:
    """Microsoft's documented Exchange Online NDR codes: 5.1.10 is RESOLVER.ADR.
    RecipientNotFound (550), not RFC 7505 §4's null MX (556), also when only the status
    is quoted."""
    data = MS_TEXT.replace(b"'550 5.1.10 ", quoted)
    (grace,) = explain_bounce(read_bounce(data), lang).recipients
    pair = pair_entry(550, "5.1.10", lang)
    assert (grace.title, grace.meaning, grace.fix) == (pair.heading, pair.description, pair.fix)
    words = {"en": ("Recipient not found (Microsoft 365)", "RFC 7505 §4", "typo"),
             "zh": ("找不到收件人（Microsoft 365）", "RFC 7505 §4", "拼错")}[lang]
    assert words[0] in grace.title and all(w in grace.meaning + grace.fix for w in words[1:])
    assert pair_entry(556, "5.1.10", lang).title not in grace.title


@pytest.mark.parametrize("lang", LANGS)
def test_a_null_mx_556_5_1_10_is_still_a_null_mx(lang: str) -> None:
    data = MS_TEXT.replace(b"'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found",
                           b"'556 5.1.10 Recipient address has null MX; domain does not accept")
    (grace,) = explain_bounce(read_bounce(data), lang).recipients
    assert grace.title == pair_entry(556, "5.1.10", lang).heading


@pytest.mark.parametrize("lang", LANGS)
def test_the_enhanced_code_5_1_10_says_both_meanings(lang: str) -> None:
    entry = enhanced_entry("5.1.10", lang)
    assert "RFC 7505 §4" in entry.description and "556" in entry.description
    assert "Microsoft 365" in entry.title and "RESOLVER.ADR.RecipientNotFound" in entry.description
    assert "550" in entry.description
