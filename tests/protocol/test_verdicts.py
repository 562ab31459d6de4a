"""The verdicts' Authentication-Results field (RFC 8601), parsed back; the client address."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from simulator.protocol.dmarc import DmarcResult
from simulator.protocol.spf import SpfResult
from simulator.protocol.verdicts import DkimResult, Verdicts, client_ip, dkim_summary, fcrdns
from simulator.protocol.zone import zone_of


def parsed(header: bytes) -> tuple[str, dict[str, str]]:
    """(authserv-id, {method: result}) of an Authentication-Results field, as a mail
    program reads it (RFC 8601 §2.2: resinfo separated by semicolons)."""
    message = email.message_from_bytes(header + b"\r\n", policy=email.policy.default)
    value = re.sub(r"\([^()]*\)", "", str(message["Authentication-Results"]))
    server, *results = [part.strip() for part in value.split(";")]
    found = {}
    for result in results:
        method, _, rest = result.partition("=")
        found[method] = rest.split()[0]
    return server, found


def test_the_header_carries_each_verdict_and_parses_back() -> None:
    verdicts = Verdicts(SpfResult("pass", "example.org", "192.0.2.1", "ip4:192.0.2.0/24"),
                        (DkimResult("fail", "example.org", "s1"),),
                        DmarcResult("fail", "example.org", "reject"))
    header = verdicts.header("mx.example.org")
    assert header.endswith(b"\r\n") and header.isascii()
    assert parsed(header) == ("mx.example.org", {"spf": "pass", "dkim": "fail", "dmarc": "fail"})
    assert b"header.from=example.org" in header and b"smtp.mailfrom=example.org" in header
    assert b"header.d=example.org header.s=s1" in header


def test_nothing_judged_is_none() -> None:
    header = Verdicts(None, (), None).header("mx")
    assert parsed(header) == ("mx", {"spf": "none", "dkim": "none", "dmarc": "none"})


def test_a_hostile_domain_cannot_break_the_header() -> None:
    verdicts = Verdicts(SpfResult("none", "x.example\r\nBcc: all@example", "192.0.2.1"), (),
                        DmarcResult("none", "ex\u00e4mple.org;\r\n"))
    header = verdicts.header("mx")
    assert header.isascii() and header.count(b"\r\n") == 4


@pytest.mark.parametrize(("peer", "address"), [
    ("192.0.2.7:4321", "192.0.2.7"), ("[2001:db8::1]:25", "2001:db8::1"), ("::1", "::1"),
    ("console", "192.0.2.1"), ("memory", "192.0.2.1"), ("127.0.0.1", "127.0.0.1"),
])
def test_the_client_address_of_a_peer(peer: str, address: str) -> None:
    assert client_ip(peer, "192.0.2.1") == address


def test_forward_confirmed_reverse_dns() -> None:
    zone = zone_of({"1.2.0.192.in-addr.arpa": {"PTR": ("client.example",)},
                    "client.example": {"A": ("192.0.2.1",)},
                    "2.2.0.192.in-addr.arpa": {"PTR": ("liar.example",)},
                    "liar.example": {"A": ("198.51.100.1",)}})
    assert fcrdns(zone, "192.0.2.1")
    assert not fcrdns(zone, "192.0.2.2")    # the name does not lead back
    assert not fcrdns(zone, "192.0.2.3")    # no PTR at all


def test_dkim_summary() -> None:
    signed = DkimResult("pass", "a.example", "s1")
    broken = DkimResult("fail", "b.example", "s1")
    assert dkim_summary([broken, signed]) == "pass"
    assert dkim_summary([broken]) == "fail"
    assert dkim_summary([]) == "none"
