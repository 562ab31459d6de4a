"""DMARC against RFC 7489's examples: alignment (§3.1), policy discovery (§6.6.3), verdicts."""

from __future__ import annotations

import pytest

from simulator.protocol.dmarc import aligned, evaluate, parse_record
from simulator.protocol.zone import zone_of


# RFC 7489 §3.1.1 and §3.1.2: the identifier, the From: domain, aligned relaxed? strict?
@pytest.mark.parametrize(("identifier", "author", "relaxed", "strict"), [
    ("example.com", "example.com", True, True),
    ("mail.example.com", "example.com", True, False),       # §3.1.1: d=, relaxed only
    ("foo.example.com", "example.com", True, False),        # §3.1.2: MAIL FROM, relaxed only
    ("example.com", "news.example.com", True, False),
    ("example.net", "example.com", False, False),
    ("EXAMPLE.com.", "example.COM", True, True),            # names compare without case
])
def test_alignment_examples(identifier: str, author: str, relaxed: bool, strict: bool) -> None:
    assert aligned(identifier, author, "r") is relaxed
    assert aligned(identifier, author, "s") is strict


@pytest.mark.parametrize(("record", "policy", "adkim", "aspf"), [
    ("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", "none", "r", "r"),  # §7.1
    ("v=DMARC1; p=quarantine; pct=100", "quarantine", "r", "r"),
    ("v=DMARC1; p=reject; adkim=s; aspf=s", "reject", "s", "s"),
    ("V=dmarc1;P=Reject", "reject", "r", "r"),
])
def test_valid_records(record: str, policy: str, adkim: str, aspf: str) -> None:
    parsed = parse_record(record)
    assert parsed is not None
    assert (parsed.policy, parsed.adkim, parsed.aspf) == (policy, adkim, aspf)


@pytest.mark.parametrize("record", [
    "v=DMARC1", "v=DMARC1; p=deny", "p=reject; v=DMARC1", "v=DMARC2; p=reject",
    "v=DMARC1; p=reject; adkim=x",
])
def test_invalid_records(record: str) -> None:
    assert parse_record(record) is None


ZONE = zone_of({
    "_dmarc.example.com": {"TXT": ("v=DMARC1; p=reject; sp=quarantine; adkim=s",)},
    "_dmarc.watch.example": {"TXT": ("v=DMARC1; p=none",)},
    "_dmarc.broken.example": {"TXT": ("v=DMARC1; p=maybe",)},
    "_dmarc.twice.example": {"TXT": ("v=DMARC1; p=reject", "v=DMARC1; p=none")},
})


@pytest.mark.parametrize(("author", "spf", "dkim", "result", "policy", "passed"), [
    ("example.com", "example.com", (), "pass", "reject", "spf"),
    ("example.com", "bounce.example.com", (), "pass", "reject", "spf"),   # aspf=r
    ("example.com", None, ("mail.example.com",), "fail", "reject", ""),   # adkim=s
    ("example.com", None, ("example.com",), "pass", "reject", "dkim"),
    ("example.com", "example.com", ("example.com",), "pass", "reject", "spf+dkim"),
    ("example.com", "example.net", ("example.net",), "fail", "reject", ""),
    ("news.example.com", None, (), "fail", "quarantine", ""),   # §6.6.3: the org's sp=
    ("watch.example", None, (), "fail", "none", ""),
    ("broken.example", None, (), "permerror", "none", ""),
    ("twice.example", None, (), "permerror", "none", ""),
    ("nothing.example", "nothing.example", (), "none", "none", ""),
])
def test_verdicts(author: str, spf: str | None, dkim: tuple[str, ...], result: str,
                  policy: str, passed: str) -> None:
    verdict = evaluate(ZONE, author, spf_pass=spf, dkim_pass=dkim)
    assert (verdict.result, verdict.policy, verdict.aligned) == (result, policy, passed)
