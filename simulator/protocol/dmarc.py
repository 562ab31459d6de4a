"""DMARC (RFC 7489): is the author's domain (header From:) vouched for by SPF or DKIM?

Written small here (about a hundred lines) rather than taken from authheaders, whose DMARC
check asks DNS itself; this asks only the scenario's :class:`~.zone.Zone`. The
organizational domain (§3.2) is the last two labels: the lab's zones use names such as
``example.org`` and ``mail.example.org``, and a Public Suffix List is data from the world
that would need updating. ``pct=`` (sampling) is read but every message is judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .zone import Zone, normal_name

POLICIES: Final = ("none", "quarantine", "reject")
RESULTS: Final = ("pass", "fail", "none", "permerror")


@dataclass(frozen=True, slots=True)
class DmarcRecord:
    """The tags that decide (RFC 7489 §6.3); the others are reports, not verdicts."""

    policy: str
    subdomain_policy: str
    adkim: str = "r"
    aspf: str = "r"


@dataclass(frozen=True, slots=True)
class DmarcResult:
    """The verdict on one message, and what the author domain's owner asks done on fail."""

    result: str
    domain: str
    """The author domain (header From:)."""
    policy: str = "none"
    """The policy that applies (p=, or sp= for a subdomain): reject, quarantine or none."""
    aligned: str = ""
    """What passed aligned: ``spf``, ``dkim`` or ``spf+dkim`` (empty: nothing did)."""
    strict: bool = False
    """Alignment was strict (adkim=s or aspf=s) for what failed to align."""


def organizational(domain: str) -> str:
    """§3.2, simplified: the last two labels (``mail.example.org`` -> ``example.org``)."""
    return ".".join(normal_name(domain).split(".")[-2:])


def aligned(domain: str, author: str, mode: str) -> bool:
    """§3.1: strict means the same name; relaxed, the same organizational domain."""
    domain, author = normal_name(domain), normal_name(author)
    if mode == "s":
        return domain == author
    return organizational(domain) == organizational(author)


def parse_record(text: str) -> DmarcRecord | None:
    """§6.3-6.4: ``v=DMARC1; p=...`` (v first, p required), else None (not a valid record)."""
    tags: dict[str, str] = {}
    for part in text.split(";"):
        name, equals, value = part.partition("=")
        if equals:
            tags.setdefault(name.strip().lower(), value.strip().lower())
    if not text.strip().lower().startswith("v") or tags.get("v") != "dmarc1":
        return None
    policy = tags.get("p")
    if policy not in POLICIES:
        return None
    sub = tags.get("sp", policy)
    modes = {name: tags.get(name, "r") for name in ("adkim", "aspf")}
    if sub not in POLICIES or not all(mode in ("r", "s") for mode in modes.values()):
        return None
    return DmarcRecord(policy, sub, **modes)


def find_record(zone: Zone, author: str) -> tuple[DmarcRecord | None, bool, bool]:
    """§6.6.3: the record at ``_dmarc.AUTHOR``, else at the organizational domain's.

    Returns (record, is the organizational domain's, a record was malformed)."""
    for name, inherited in ((author, False), (organizational(author), True)):
        if inherited and name == normal_name(author):
            break
        texts = [t for t in zone.lookup(f"_dmarc.{name}", "TXT")
                 if t.strip().lower().startswith("v=dmarc1")]
        if len(texts) == 1:
            record = parse_record(texts[0])
            return record, inherited, record is None
        if texts:  # §6.6.3: several records are as none
            return None, inherited, True
    return None, False, False


def evaluate(zone: Zone, author: str, *, spf_pass: str | None,
             dkim_pass: Iterable[str]) -> DmarcResult:
    """The DMARC verdict for a message from ``author`` (the header From: domain), given the
    domain SPF passed for (the MAIL FROM's, or None) and the d= of each DKIM pass."""
    author = normal_name(author)
    record, inherited, broken = find_record(zone, author)
    if record is None:
        return DmarcResult("permerror" if broken else "none", author)
    policy = record.subdomain_policy if inherited else record.policy
    passed = []
    if spf_pass is not None and aligned(spf_pass, author, record.aspf):
        passed.append("spf")
    if any(aligned(domain, author, record.adkim) for domain in dkim_pass):
        passed.append("dkim")
    strict = "s" in (record.adkim, record.aspf)
    return DmarcResult("pass" if passed else "fail", author, policy, "+".join(passed), strict)
