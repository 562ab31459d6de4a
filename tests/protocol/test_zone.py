"""The zone: record syntax, lookups, the null MX and reverse names."""

from __future__ import annotations

import pytest

from simulator.protocol.zone import name_problem, record_problem, reverse_name, zone_of


@pytest.mark.parametrize(("rtype", "record", "problem"), [
    ("A", "192.0.2.10", None), ("A", "2001:db8::1", "bad-a"), ("A", "192.0.2", "bad-a"),
    ("AAAA", "2001:db8::1", None), ("AAAA", "192.0.2.1", "bad-aaaa"),
    ("MX", "10 mx.example.org", None), ("MX", "0 .", None), ("MX", "mx.example.org", "bad-mx"),
    ("MX", "70000 mx.example.org", "bad-mx"), ("MX", "10 -bad-.example", "bad-mx"),
    ("PTR", "mx.example.org", None), ("PTR", "not a name", "bad-ptr"),
    ("TXT", "v=spf1 -all", None), ("TXT", "x" * 5000, "bad-txt"), ("TXT", "a\x1bb", "bad-txt"),
    ("CNAME", "x.example", "bad-type"),
])
def test_records_are_checked_by_type(rtype: str, record: str, problem: str | None) -> None:
    assert record_problem(rtype, record) == problem


@pytest.mark.parametrize(("name", "problem"), [
    ("example.org", None), ("_dmarc.example.org.", None), ("s1._domainkey.example.org", None),
    ("", "name-length"), ("a" * 64 + ".example", "name-label"), ("two words.example", "name-label"),
])
def test_names(name: str, problem: str | None) -> None:
    assert name_problem(name) == problem


def test_lookups_ignore_case_and_the_final_dot() -> None:
    zone = zone_of({"Example.ORG.": {"A": ("192.0.2.10",), "MX": ("20 b.example", "10 a.example")},
                    "nomail.example": {"MX": ("0 .",)}})
    assert zone.lookup("example.org", "A") == ("192.0.2.10",)
    assert zone.lookup("EXAMPLE.org.", "A") == ("192.0.2.10",)
    assert zone.lookup("example.org", "TXT") == ()
    assert zone.exists("example.org") and not zone.exists("other.example")
    assert zone.mx_hosts("example.org") == ((10, "a.example"), (20, "b.example"))
    assert zone.null_mx("nomail.example") and not zone.null_mx("example.org")
    assert not zone.null_mx("other.example")


def test_reverse_names() -> None:
    assert reverse_name("192.0.2.10") == "10.2.0.192.in-addr.arpa"
    assert reverse_name("2001:db8::1").endswith(".8.b.d.0.1.0.0.2.ip6.arpa")


def test_the_domains_a_host_is_an_mx_for_at_any_preference() -> None:
    zone = zone_of({"campus.example": {"MX": ("20 mx2.campus.example", "10 MX1.campus.example.")},
                    "other.example": {"MX": ("5 mx2.campus.example",)},
                    "mx1.campus.example": {"A": ("192.0.2.41",)}})
    assert zone.mx_domains("mx1.campus.example") == ("campus.example",)
    assert zone.mx_domains("MX2.Campus.Example.") == ("campus.example", "other.example")
    assert zone.mx_domains("smtp.example.org") == ()


def test_the_best_mx_is_the_lowest_preference_ties_included() -> None:
    """RFC 5321 §5.1: the lowest preference first; hosts that share it are equally good."""
    zone = zone_of({"a.example": {"MX": ("20 b.example", "10 c.example", "10 d.example")},
                    "nomail.example": {"MX": ("0 .",)},
                    "bare.example": {"A": ("192.0.2.1",)}})
    assert zone.best_mx("a.example") == ("c.example", "d.example")
    assert zone.best_mx("nomail.example") == ()  # RFC 7505: the null MX names no host
    assert zone.best_mx("bare.example") == ()
