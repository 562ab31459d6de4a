"""``:dig NAME [TYPE]``: the scenario zone's answer, laid out like ``dig``, each record explained.

Pure: the zone in, lines of text out (the console shows them). The words are UI data
(``[zone]`` of ui.LANG.toml); the record lines keep dig's own layout, so a learner who
later runs the real ``dig`` recognises them.
"""

from __future__ import annotations

import ipaddress
from typing import Final

from simulator.protocol.dmarc import parse_record
from simulator.protocol.zone import RECORD_TYPES, Zone, name_problem, normal_name

from .ui import text

TTL: Final = 3600
"""The time to live shown on every record (a zone in a scenario file has none)."""


def dig_lines(zone: Zone, name: str, rtype: str | None, lang: str) -> list[str]:
    """The answer to ``dig NAME TYPE`` from ``zone``: header, records, explanations.

    An IP address with no TYPE asks for its PTR, as ``dig -x`` does; no TYPE is A. As with
    dig, the type may come first (``TXT example.org``).
    """
    if rtype is not None and name.upper() in RECORD_TYPES and rtype.upper() not in RECORD_TYPES:
        name, rtype = rtype, name
    rtype = (rtype or "").upper() or None
    name = name.strip()
    if rtype is None:
        rtype = "A"
        try:
            name = ipaddress.ip_address(name).reverse_pointer
            rtype = "PTR"
        except ValueError:
            pass
    if rtype not in RECORD_TYPES:
        return [text("zone.dig-bad-type", lang, type=rtype[:20], types=", ".join(RECORD_TYPES))]
    if name_problem(name) is not None:
        return [text("zone.dig-bad-name", lang, name=repr(name)[:80])]
    name = normal_name(name)
    lines = [f";; QUESTION: {name}. IN {rtype}"]
    records = zone.lookup(name, rtype)
    if not records:
        key = "dig-no-records" if zone.exists(name) else "dig-nxdomain"
        return [*lines, text(f"zone.{key}", lang, name=name, type=rtype)]
    lines.append(";; ANSWER:")
    for record in records:
        shown = f'"{record}"' if rtype == "TXT" else record
        lines.append(f"{name}.  {TTL}  IN  {rtype}  {shown}")
    lines += [f"  {explain(name, rtype, record, lang)}" for record in records]
    lines.append(text("zone.dig-source", lang))
    return lines


def explain(name: str, rtype: str, record: str, lang: str) -> str:
    """One sentence on what a record means for mail."""
    match rtype:
        case "MX":
            preference, _, host = record.strip().partition(" ")
            if host.strip() == ".":
                return text("zone.dig-null-mx", lang, name=name)
            return text("zone.dig-mx", lang, name=name, host=host.strip(), pref=preference)
        case "PTR":
            return text("zone.dig-ptr", lang, name=name, host=record)
        case "A" | "AAAA":
            return text("zone.dig-address", lang, name=name, address=record)
    return _explain_txt(name, record, lang)


def _explain_txt(name: str, record: str, lang: str) -> str:
    lowered = record.lower()
    if lowered.startswith("v=spf1"):
        ending = record.split()[-1] if len(record.split()) > 1 else ""
        key = {"-all": "dig-spf-fail", "~all": "dig-spf-softfail"}.get(ending, "dig-spf")
        return text(f"zone.{key}", lang, name=name)
    if name.startswith("_dmarc."):
        parsed = parse_record(record)
        if parsed is None:
            return text("zone.dig-dmarc-bad", lang, name=name)
        return text(f"zone.dig-dmarc-{parsed.policy}", lang, domain=name.removeprefix("_dmarc."),
                    adkim=parsed.adkim, aspf=parsed.aspf)
    if "._domainkey." in name:
        selector, _, domain = name.partition("._domainkey.")
        return text("zone.dig-dkim", lang, selector=selector, domain=domain)
    return text("zone.dig-txt", lang)
