"""SPF against RFC 7208's own examples (Appendix A) and the limits of §4.6.4."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.protocol.spf import RESULTS, check_host
from simulator.protocol.zone import Zone, zone_of

# RFC 7208 Appendix A: the zone its examples are evaluated in (the CNAME left out).
APPENDIX_A = {
    "example.com": {"MX": ("10 mx.example.com", "20 mx2.example.com"), "A": ("192.0.2.10",)},
    "mx.example.com": {"A": ("192.0.2.11",)},
    "mx2.example.com": {"A": ("192.0.2.12",)},
    "amy.example.com": {"A": ("192.0.2.65",)},
    "bob.example.com": {"A": ("192.0.2.66",)},
    "mail-a.example.com": {"A": ("192.0.2.129",)},
    "mail-b.example.com": {"A": ("192.0.2.130",)},
    "mail-c.example.org": {"A": ("192.0.2.140",)},
    "example.org": {"MX": ("10 mail-c.example.org",)},
    "10.2.0.192.in-addr.arpa": {"PTR": ("example.com",)},
    "65.2.0.192.in-addr.arpa": {"PTR": ("amy.example.com",)},
    "66.2.0.192.in-addr.arpa": {"PTR": ("bob.example.com",)},
    "140.2.0.192.in-addr.arpa": {"PTR": ("mail-c.example.org",)},
}


def with_record(record: str, **more: dict[str, tuple[str, ...]]) -> Zone:
    table = {name: dict(types) for name, types in APPENDIX_A.items()}
    table["example.com"]["TXT"] = (record,)
    table.update(more)
    return zone_of(table)


# RFC 7208 Appendix A.1: each record, the addresses that match it and some that do not.
APPENDIX_A1 = [
    ("v=spf1 +all", ("192.0.2.10", "198.51.100.1"), ()),
    ("v=spf1 a -all", ("192.0.2.10",), ("192.0.2.11",)),
    ("v=spf1 a:example.org -all", (), ("192.0.2.10", "192.0.2.140")),
    ("v=spf1 mx -all", ("192.0.2.11", "192.0.2.12"), ("192.0.2.10",)),
    ("v=spf1 mx:example.org -all", ("192.0.2.140",), ("192.0.2.11",)),
    ("v=spf1 mx mx:example.org -all", ("192.0.2.11", "192.0.2.12", "192.0.2.140"),
     ("192.0.2.10",)),
    ("v=spf1 mx/30 mx:example.org/30 -all", ("192.0.2.8", "192.0.2.143"), ("192.0.2.16",)),
    ("v=spf1 ptr -all", ("192.0.2.10", "192.0.2.65", "192.0.2.66"), ("192.0.2.140",)),
    ("v=spf1 ip4:192.0.2.128/28 -all", ("192.0.2.129", "192.0.2.130"), ("192.0.2.65",)),
]


@pytest.mark.parametrize(("record", "passing", "failing"), APPENDIX_A1)
def test_the_rfcs_own_examples(record: str, passing: tuple[str, ...],
                               failing: tuple[str, ...]) -> None:
    zone = with_record(record)
    for client in passing:
        assert check_host(zone, client, "ann@example.com", "x").result == "pass", client
    for client in failing:
        assert check_host(zone, client, "ann@example.com", "x").result == "fail", client


@pytest.mark.parametrize(("record", "result"), [
    ("v=spf1 ~all", "softfail"),
    ("v=spf1 ?all", "neutral"),
    ("v=spf1 ip4:203.0.113.0/24", "neutral"),           # §4.7: no match, no all
    ("v=spf1 include:nothing.example -all", "permerror"),  # §5.2: include of no record
    ("v=spf1 frobnicate -all", "permerror"),             # an unknown mechanism
    ("v=spf1 ip4:300.1.1.1 -all", "permerror"),
    ("v=spf1 redirect=nothing.example", "permerror"),    # §6.1
    ("v=spf1 exp=explain.example -all", "fail"),         # exp= is not a mechanism
    ("v=spf1 unknown-modifier=x ~all", "softfail"),      # §6: unknown modifiers are ignored
])
def test_the_other_results(record: str, result: str) -> None:
    assert check_host(with_record(record), "198.51.100.7", "a@example.com", "x").result == result


def test_no_record_is_none_and_two_records_are_a_permerror() -> None:
    assert check_host(zone_of(APPENDIX_A), "192.0.2.10", "a@example.com", "x").result == "none"
    two = zone_of({"example.com": {"TXT": ("v=spf1 -all", "v=spf1 +all")}})
    assert check_host(two, "192.0.2.10", "a@example.com", "x").result == "permerror"
    spelled = zone_of({"example.com": {"TXT": ("v=spf10 +all", "something else")}})
    assert check_host(spelled, "192.0.2.10", "a@example.com", "x").result == "none"


def test_include_and_redirect_follow_the_other_domains_record() -> None:
    zone = with_record("v=spf1 include:_spf.mailer.example -all",
                       **{"_spf.mailer.example": {"TXT": ("v=spf1 ip4:203.0.113.0/24 -all",)},
                          "redirected.example": {"TXT": ("v=spf1 redirect=_spf.mailer.example",)}})
    assert check_host(zone, "203.0.113.5", "a@example.com", "x").result == "pass"
    assert check_host(zone, "198.51.100.1", "a@example.com", "x").result == "fail"
    assert check_host(zone, "203.0.113.5", "a@redirected.example", "x").result == "pass"
    assert check_host(zone, "198.51.100.1", "a@redirected.example", "x").result == "fail"


def test_the_ten_lookup_limit_is_enforced() -> None:
    chain = {f"l{n}.example": {"TXT": (f"v=spf1 include:l{n + 1}.example -all",)}
             for n in range(12)}
    chain["l12.example"] = {"TXT": ("v=spf1 +all",)}
    verdict = check_host(zone_of(chain), "192.0.2.1", "a@l0.example", "x")
    assert (verdict.result, verdict.term) == ("permerror", "lookup-limit")
    short = {name: types for name, types in chain.items() if int(name[1:].split(".")[0]) >= 3}
    assert check_host(zone_of(short), "192.0.2.1", "a@l3.example", "x").result == "pass"


def test_more_than_two_void_lookups_are_a_permerror() -> None:
    zone = with_record("v=spf1 a:n1.example a:n2.example a:n3.example +all")
    verdict = check_host(zone, "192.0.2.1", "a@example.com", "x")
    assert (verdict.result, verdict.term) == ("permerror", "void-limit")


def test_the_null_sender_is_judged_by_the_helo_name() -> None:
    zone = zone_of({"mx.example.com": {"TXT": ("v=spf1 ip4:192.0.2.11 -all",)}})
    assert check_host(zone, "192.0.2.11", "", "mx.example.com").result == "pass"
    assert check_host(zone, "192.0.2.99", "", "mx.example.com").result == "fail"


def test_macros_expand_the_client_address_and_the_domain() -> None:
    zone = with_record("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all",
                       **{"10.2.0.192.strong._spf.example.com": {"A": ("127.0.0.2",)}})
    assert check_host(zone, "192.0.2.10", "strong-bad@example.com", "x").result == "pass"
    assert check_host(zone, "192.0.2.11", "strong-bad@example.com", "x").result == "fail"


def test_ipv6_clients_match_ip6_and_aaaa() -> None:
    zone = zone_of({"six.example": {"TXT": ("v=spf1 ip6:2001:db8::/32 a:h.six.example/24//64 -all",)},
                    "h.six.example": {"AAAA": ("2001:db9::1",)}})
    assert check_host(zone, "2001:db8::25", "a@six.example", "x").result == "pass"
    assert check_host(zone, "2001:db9::ffff", "a@six.example", "x").result == "pass"
    assert check_host(zone, "2001:dba::1", "a@six.example", "x").result == "fail"


TERMS = ("a", "mx", "ptr", "all", "-all", "~all", "?all", "+a/24", "mx//64", "ip4:192.0.2.0/24",
         "ip6:2001:db8::/32", "include:l1.example", "exists:%{i}.%{d}", "redirect=l1.example",
         "a:%{l}.%{o}", "%{z}", "ip4:", "include:", "=", "exp=x", "a/99", "ip4:1.2.3.4/40",
         "%{ir10r.-}.x", "mx:l1.example/0")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TERMS), max_size=8), st.lists(st.sampled_from(TERMS), max_size=4),
       st.sampled_from(["192.0.2.1", "2001:db8::1"]))
def test_any_record_gives_a_result_never_an_exception(terms: list[str], other: list[str],
                                                       client: str) -> None:
    zone = zone_of({"l0.example": {"TXT": ("v=spf1 " + " ".join(terms),), "A": ("192.0.2.1",),
                                   "MX": ("10 l1.example",)},
                    "l1.example": {"TXT": ("v=spf1 " + " ".join(other),), "AAAA": ("2001:db8::1",)}})
    assert check_host(zone, client, "ann@l0.example", "helo.example").result in RESULTS
