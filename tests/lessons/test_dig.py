"""``:dig``: the zone's answer laid out like dig, each record explained, in en and zh."""

from __future__ import annotations

import pytest

from simulator.lessons.dig import dig_lines
from simulator.lessons.scenarios import load_scenario
from simulator.lessons.ui import text as ui_text
from tests.wording import says

ZONE = load_scenario("realistic").zone


def test_a_txt_record_is_shown_like_dig_and_explained() -> None:
    lines = dig_lines(ZONE, "_dmarc.yahoo.com", "TXT", "en")
    assert lines[0] == ";; QUESTION: _dmarc.yahoo.com. IN TXT"
    assert '_dmarc.yahoo.com.  3600  IN  TXT  "v=DMARC1; p=reject; pct=100"' in lines
    assert any(says(line, "zone.dig-dmarc-reject", domain="yahoo.com") for line in lines)
    assert lines[-1] == ui_text("zone.dig-source", "en")


@pytest.mark.parametrize(("args", "key", "fields"), [
    (("TXT", "bank.example"), "dig-spf-fail", {}),               # dig's own order works too
    (("bank.example", "txt"), "dig-spf-fail", {}),
    (("yahoo.com", "TXT"), "dig-spf", {"name": "yahoo.com"}),
    (("_spf.google.com", "TXT"), "dig-spf-softfail", {}),
    (("nomail.example", "MX"), "dig-null-mx", {"name": "nomail.example"}),
    (("example.org", "MX"), "dig-mx", {"name": "example.org", "host": "mx.example.org"}),
    (("192.0.2.1", None), "dig-ptr", {"host": "client.example"}),
    (("client.example", None), "dig-address", {"name": "client.example", "address": "192.0.2.1"}),
    (("_dmarc.shop.example", "TXT"), "dig-dmarc-quarantine", {"domain": "shop.example"}),
    (("_dmarc.gmail.com", "TXT"), "dig-dmarc-none", {"domain": "gmail.com"}),
    (("nowhere.example", "A"), "dig-nxdomain", {"name": "nowhere.example"}),
    (("example.org", "AAAA"), "dig-no-records", {"name": "example.org", "type": "AAAA"}),
    (("example.org", "SOA"), "dig-bad-type", {"type": "SOA"}),
    (("bad name", None), "dig-bad-name", {"name": "'bad name'"}),  # quoted: typed text
])
def test_each_kind_of_answer(args: tuple[str, str | None], key: str,
                             fields: dict[str, object]) -> None:
    assert says("\n".join(dig_lines(ZONE, *args, "en")), f"zone.{key}", **fields)


def test_the_explanations_are_in_chinese_too() -> None:
    text = "\n".join(dig_lines(ZONE, "_dmarc.yahoo.com", "TXT", "zh"))
    assert says(text, "zone.dig-dmarc-reject", "zh", domain="yahoo.com")
    assert says(text, "zone.dig-source", "zh")
    assert says("\n".join(dig_lines(ZONE, "bad name", None, "zh")), "zone.dig-bad-name", "zh",
                name="'bad name'")


def test_an_mx_set_names_the_best_host_and_the_backup() -> None:
    """RFC 5321 §5.1: the lowest preference is tried first, whatever order dig lists them in;
    each record of campus.example (20 listed before 10) says which one it is."""
    en = "\n".join(dig_lines(ZONE, "campus.example", "MX", "en"))
    best = {"name": "campus.example", "host": "mx1.campus.example", "pref": 10}
    backup = {"name": "campus.example", "host": "mx2.campus.example", "pref": 20}
    assert says(en, "zone.dig-mx-best", **best) and says(en, "zone.dig-mx-backup", **backup)
    assert not says(en, "zone.dig-mx")  # the plain line is for a host without a rival
    zh = "\n".join(dig_lines(ZONE, "campus.example", "MX", "zh"))
    assert says(zh, "zone.dig-mx-best", "zh", **best)
    assert says(zh, "zone.dig-mx-backup", "zh", **backup)

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_explanation_of_the_realistic_zone_is_filled_in(lang: str) -> None:
    """A DMARC record's line names its domain and alignment, no {placeholder} left over."""
    for name in ("_dmarc.example.org", "_dmarc.shop.example", "_dmarc.gmail.com", "example.org",
                 "s1._domainkey.example.org", "mx.example.org", "1.2.0.192.in-addr.arpa"):
        text = "\n".join(dig_lines(ZONE, name, None, lang))
        assert "{" not in text and "}" not in text, (name, text)
    reject = "\n".join(dig_lines(ZONE, "_dmarc.example.org", "TXT", "en"))
    assert says(reject, "zone.dig-dmarc-reject", domain="example.org", adkim="r", aspf="r")

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_explanation_of_any_record_in_the_zone_leaves_a_placeholder(lang: str) -> None:
    """Every record the realistic zone holds, each type asked: the explanation names the
    domain and the alignment (a DMARC policy's said ``{domain}`` and ``{adkim}``)."""
    for name in ZONE.records:
        for rtype in ("A", "AAAA", "MX", "TXT", "PTR"):
            text = "\n".join(dig_lines(ZONE, name, rtype, lang))
            assert "{" not in text, (name, rtype, text)
    dmarc = "\n".join(dig_lines(ZONE, "_dmarc.bank.example", "TXT", lang))
    assert "bank.example" in dmarc.split("\n", 3)[3] and "adkim=s" in dmarc
