"""The authentication verdicts of one message and the Authentication-Results field they make.

SPF is judged at MAIL (RFC 7208 §2.4: the receiver checks MAIL FROM as it arrives), DKIM
and DMARC after the final dot, when the header exists. DKIM verification is handed in by
the driver (:data:`DkimVerifier`): the library that does it imports DNS and socket modules,
which the engine does not; the zone it asks is still the scenario's, never the network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .dmarc import DmarcResult
from .escape import quote
from .spf import SpfResult
from .zone import Zone, normal_name, reverse_name


@dataclass(frozen=True, slots=True)
class DkimResult:
    """One DKIM-Signature's verdict (RFC 6376 §6.1): pass, fail, neutral (unreadable)."""

    result: str
    domain: str
    selector: str


DkimVerifier = Callable[[bytes, Zone], tuple[DkimResult, ...]]
"""Verifies each DKIM-Signature of a message with keys from the zone (the driver's)."""


def client_ip(peer: str, default: str) -> str:
    """The client's IP address from the session's peer (``192.0.2.1:4321``, ``[::1]:25``),
    or ``default`` for an in-process session whose peer is a name (``console``)."""
    host = peer[1:].partition("]")[0] if peer.startswith("[") else peer
    if host.count(":") == 1:
        host = host.partition(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return default


def fcrdns(zone: Zone, client: str) -> bool:
    """Forward-confirmed reverse DNS: a PTR name of ``client`` whose addresses include it
    (what Gmail's 5.7.25 asks for)."""
    return any(client in zone.addresses(name)
               for name in zone.lookup(reverse_name(client), "PTR")[:10])


def dkim_summary(results: Iterable[DkimResult]) -> str:
    """One word for the rules: pass if any signature verified, else fail, else none."""
    found = [result.result for result in results]
    if "pass" in found or not found:
        return "pass" if found else "none"
    return "fail" if "fail" in found else "permerror"


@dataclass(frozen=True, slots=True)
class Verdicts:
    """What this receiver concluded about one message."""

    spf: SpfResult | None
    dkim: tuple[DkimResult, ...]
    dmarc: DmarcResult | None

    def header(self, hostname: str) -> bytes:
        """RFC 8601 §2.2: ``Authentication-Results: HOST; spf=...; dkim=...; dmarc=...``."""
        parts = [_spf_part(self.spf)]
        parts += [f"dkim={d.result} header.d={_name(d.domain)} header.s={_name(d.selector)}"
                  for d in self.dkim] or ["dkim=none"]
        parts.append(_dmarc_part(self.dmarc))
        body = ";\r\n\t".join(parts)
        return f"Authentication-Results: {hostname};\r\n\t{body}\r\n".encode("ascii")


def _name(text: str) -> str:
    return quote(normal_name(text), 100).encode("ascii", "backslashreplace").decode("ascii")


def _spf_part(spf: SpfResult | None) -> str:
    if spf is None:
        return "spf=none"
    return f"spf={spf.result} smtp.mailfrom={_name(spf.domain)} (client {spf.client})"


def _dmarc_part(dmarc: DmarcResult | None) -> str:
    if dmarc is None:
        return "dmarc=none"
    policy = f" (p={dmarc.policy})" if dmarc.result in ("pass", "fail") else ""
    return f"dmarc={dmarc.result}{policy} header.from={_name(dmarc.domain)}"
