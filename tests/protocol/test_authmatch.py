"""The authentication conditions in a session: SPF at MAIL refused at RCPT, DMARC after the
final dot, null MX and reverse DNS at RCPT, and the Authentication-Results on what is kept."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.protocol import Policy, Session
from simulator.protocol.authmatch import AuthMatch
from simulator.protocol.rules import Event, Match, Rule, Scenario
from simulator.protocol.verdicts import DkimResult
from simulator.protocol.zone import Zone, zone_of
from tests.dialogue import keys, send

ZONE = zone_of({
    "good.example": {"TXT": ("v=spf1 ip4:192.0.2.0/24 -all",)},
    "_dmarc.good.example": {"TXT": ("v=DMARC1; p=reject",)},
    "bank.example": {"TXT": ("v=spf1 ip4:198.51.100.0/24 -all",)},
    "_dmarc.bank.example": {"TXT": ("v=DMARC1; p=reject",)},
    "soft.example": {"TXT": ("v=spf1 ip4:198.51.100.0/24 ~all",)},
    "_dmarc.shop.example": {"TXT": ("v=DMARC1; p=quarantine",)},
    "nomail.example": {"MX": ("0 .",)},
    "1.2.0.192.in-addr.arpa": {"PTR": ("client.example",)},
    "client.example": {"A": ("192.0.2.1",)},
})
RULES = (
    Rule("spf", Event.RCPT, Match(auth=AuthMatch(spf=("fail",))), "rcpt.spf-fail"),
    Rule("null-mx", Event.RCPT, Match(auth=AuthMatch(null_mx=True)), "rcpt.null-mx"),
    Rule("ptr", Event.RCPT, Match(auth=AuthMatch(fcrdns=False)), "rcpt.no-reverse-dns"),
    Rule("dmarc", Event.END_OF_DATA,
         Match(auth=AuthMatch(dmarc=("fail",), dmarc_policy=("reject",))), "data.dmarc-reject"),
)
LAB = Scenario(name="lab", rules=RULES, zone=ZONE)


def session(scenario: Scenario = LAB, peer: str = "console", **policy: object) -> Session:
    new = Session(dataclasses.replace(Policy(scenario=scenario), **policy), peer=peer)
    new.greeting()
    return new


def message(sender: str, author: str) -> list[str]:
    return ["EHLO client.example", f"MAIL FROM:<{sender}>", "RCPT TO:<bob@smtp-sim.localhost>",
            "DATA", f"From: {author}", "Subject: hi", "", "hello", "."]


def test_an_spf_fail_is_refused_at_rcpt_not_at_mail() -> None:
    exchanges = send(session(), *message("a@bank.example", "a@bank.example")[:3])
    assert [(e.reply.code, e.reply.enhanced) for e in exchanges][1:] == [
        (250, "2.1.0"), (550, "5.7.23")]
    assert exchanges[2].reply.text == ("<bob@smtp-sim.localhost>: Recipient address rejected: "
                                       "SPF fail: bank.example does not authorise 192.0.2.1 "
                                       "to send its mail")


@pytest.mark.parametrize("sender", ["a@soft.example", "a@unknown.example", "a@good.example"])
def test_softfail_none_and_pass_are_accepted(sender: str) -> None:
    assert keys(send(session(), *message(sender, sender)[:3]))[2] == "rcpt.accepted"


def test_the_real_peer_is_judged_over_tcp() -> None:
    refused = send(session(peer="198.51.100.7:4000"), *message("a@good.example", "x")[:3])
    assert keys(refused)[2] == "rcpt.spf-fail" and "198.51.100.7" in refused[2].reply.text
    passed = send(session(peer="198.51.100.7:4000"), *message("a@bank.example", "x")[:3])
    assert keys(passed)[2] == "rcpt.no-reverse-dns"  # SPF passes; no PTR for this address


def test_the_scenarios_client_address_is_used_in_process() -> None:
    moved = dataclasses.replace(LAB, client_address="198.51.100.7")
    assert keys(send(session(moved), *message("a@bank.example", "x")[:3]))[2] == (
        "rcpt.no-reverse-dns")


def test_dmarc_refuses_after_the_final_dot_a_spoofed_author() -> None:
    exchanges = send(session(), *message("a@good.example", "boss@bank.example"))
    assert keys(exchanges)[-1] == "data.dmarc-reject"
    assert exchanges[-1].reply.text.startswith("Unauthenticated mail with From: bank.example")


def test_an_aligned_spf_pass_is_accepted_with_its_verdicts_on_top() -> None:
    exchanges = send(session(), *message("a@good.example", "Ann <ann@good.example>"))
    kept = exchanges[-1].message
    assert kept is not None
    header = kept.content.split(b"\r\nFrom: ")[0]
    assert b"Authentication-Results: smtp-sim.localhost;" in header
    assert b"spf=pass smtp.mailfrom=good.example" in header
    assert b"dkim=none" in header and b"dmarc=pass (p=reject) header.from=good.example" in header
    assert kept.content.startswith(b"Received: ")  # the trace line stays first
    assert not kept.undeclared_8bit


def test_quarantine_accepts_and_marks() -> None:
    kept = send(session(), *message("a@good.example", "x@shop.example"))[-1].message
    assert kept is not None
    assert b"dmarc=fail (p=quarantine) header.from=shop.example" in kept.content


def test_a_null_mx_domain_is_refused_with_556() -> None:
    exchanges = send(session(), "EHLO client.example", "MAIL FROM:<a@good.example>",
                     "RCPT TO:<x@nomail.example>")
    assert (exchanges[-1].reply.code, exchanges[-1].reply.enhanced) == (556, "5.1.10")


def test_dkim_verdicts_handed_in_by_the_driver_count_for_dmarc() -> None:
    def verifier(content: bytes, zone: Zone) -> tuple[DkimResult, ...]:
        assert zone is ZONE and b"From: boss@bank.example" in content
        return (DkimResult("pass", "bank.example", "s1"),)

    exchanges = send(session(dkim=verifier), *message("a@good.example", "boss@bank.example"))
    kept = exchanges[-1].message
    assert kept is not None and b"dkim=pass header.d=bank.example header.s=s1" in kept.content
    assert b"dmarc=pass" in kept.content


def test_a_scenario_without_a_zone_adds_no_header_and_judges_nothing() -> None:
    plain = Scenario(name="plain", rules=RULES)
    exchanges = send(session(plain), *message("a@bank.example", "boss@bank.example"))
    assert keys(exchanges)[2:] == ["rcpt.accepted", "data.start", "data.accepted"]
    kept = exchanges[-1].message
    assert kept is not None and b"Authentication-Results" not in kept.content


def test_a_zone_alone_stamps_the_verdicts_without_rules() -> None:
    only = Scenario(name="zone-only", zone=ZONE)
    kept = send(session(only), *message("a@bank.example", "boss@bank.example"))[-1].message
    assert kept is not None and b"spf=fail smtp.mailfrom=bank.example" in kept.content
