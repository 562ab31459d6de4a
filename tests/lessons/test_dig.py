"""``:dig``: the zone's answer laid out like dig, each record explained, in en and zh."""

from __future__ import annotations

import pytest

from simulator.lessons.dig import dig_lines
from simulator.lessons.scenarios import load_scenario

ZONE = load_scenario("realistic").zone


def test_a_txt_record_is_shown_like_dig_and_explained() -> None:
    lines = dig_lines(ZONE, "_dmarc.yahoo.com", "TXT", "en")
    assert lines[0] == ";; QUESTION: _dmarc.yahoo.com. IN TXT"
    assert '_dmarc.yahoo.com.  3600  IN  TXT  "v=DMARC1; p=reject; pct=100"' in lines
    assert any("refused (p=reject, 550 5.7.26)" in line for line in lines)
    assert lines[-1].startswith(";; answered from the scenario's own zone")


@pytest.mark.parametrize(("args", "wanted"), [
    (("TXT", "bank.example"), "ending in -all"),               # dig's own order works too
    (("bank.example", "txt"), "ending in -all"),
    (("yahoo.com", "TXT"), "the addresses allowed to send"),
    (("_spf.google.com", "TXT"), "ending in ~all"),
    (("nomail.example", "MX"), "a null MX (RFC 7505)"),
    (("example.org", "MX"), "mail for example.org goes to mx.example.org"),
    (("192.0.2.1", None), "the reverse name of this address is client.example"),
    (("client.example", None), "the address of client.example is 192.0.2.1"),
    (("_dmarc.shop.example", "TXT"), "p=quarantine"),
    (("_dmarc.gmail.com", "TXT"), "only watches"),
    (("nowhere.example", "A"), "NXDOMAIN"),
    (("example.org", "AAAA"), "NOERROR, no answer"),
    (("example.org", "SOA"), "hold no SOA records"),
    (("bad name", None), "is not a domain name"),
])
def test_each_kind_of_answer(args: tuple[str, str | None], wanted: str) -> None:
    assert wanted in "\n".join(dig_lines(ZONE, *args, "en"))


def test_the_explanations_are_in_chinese_too() -> None:
    text = "\n".join(dig_lines(ZONE, "_dmarc.yahoo.com", "TXT", "zh"))
    assert "DMARC 策略" in text and "拒收" in text and "从不查询互联网" in text
    assert "不是域名" in "\n".join(dig_lines(ZONE, "bad name", None, "zh"))


def test_an_mx_set_names_the_best_host_and_the_backup() -> None:
    """RFC 5321 §5.1: the lowest preference is tried first, whatever order dig lists them in;
    each record of campus.example (20 listed before 10) says which one it is."""
    en = "\n".join(dig_lines(ZONE, "campus.example", "MX", "en"))
    assert "mail for campus.example goes first to mx1.campus.example: its preference, 10" in en
    assert "mx2.campus.example is a backup for campus.example: its preference, 20" in en
    assert "(20) is tried first" not in en
    zh = "\n".join(dig_lines(ZONE, "campus.example", "MX", "zh"))
    assert "首先交给 mx1.campus.example" in zh and "mx2.campus.example 是 campus.example 的备用主机" in zh

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_explanation_of_the_realistic_zone_is_filled_in(lang: str) -> None:
    """A DMARC record's line names its domain and alignment, no {placeholder} left over."""
    for name in ("_dmarc.example.org", "_dmarc.shop.example", "_dmarc.gmail.com", "example.org",
                 "s1._domainkey.example.org", "mx.example.org", "1.2.0.192.in-addr.arpa"):
        text = "\n".join(dig_lines(ZONE, name, None, lang))
        assert "{" not in text and "}" not in text, (name, text)
    reject = "\n".join(dig_lines(ZONE, "_dmarc.example.org", "TXT", "en"))
    assert "From: is in example.org" in reject and "adkim=r, aspf=r" in reject

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
