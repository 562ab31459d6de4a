"""A scenario's DNS zone: the only DNS the receiver ever asks (never the network).

A teacher writes the zone in the scenario file's ``[dns]`` table; the lessons layer checks
it (:func:`record_problem`) and hands the engine a :class:`Zone`, as it hands the clock.
SPF, DKIM and DMARC ask it through :meth:`Zone.lookup`; nothing here does I/O.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from .lazyre import lazy

RECORD_TYPES: Final = ("A", "AAAA", "MX", "TXT", "PTR")
"""The record types a zone may hold: what SPF, DKIM, DMARC, MX and reverse DNS ask for."""
MAX_TXT: Final = 4096
"""Characters of one TXT record (a 4096-bit DKIM key is about 740)."""
MAX_RECORDS: Final = 100
"""Records of one type at one name."""
MAX_NAMES: Final = 10_000


_LABEL: Final = lazy(r"(?!-)[a-z0-9_-]{1,63}(?<!-)", re.IGNORECASE)


def normal_name(name: str) -> str:
    """A domain name as the zone files it: lower case, without the root's final dot."""
    return name.strip().lower().removesuffix(".")


def name_problem(name: str) -> str | None:
    """Why ``name`` is no domain name (RFC 1035 §2.3.4: labels of 1-63, 255 in all), or None."""
    name = normal_name(name)
    if not name or len(name) > 253:
        return "name-length"
    if not all(_LABEL.fullmatch(label) for label in name.split(".")):
        return "name-label"
    return None


def record_problem(rtype: str, value: str) -> str | None:
    """The key of what is wrong with one record of type ``rtype`` (``zone.bad-a``...), or None."""
    match rtype:
        case "A" | "AAAA":
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                return f"bad-{rtype.lower()}"
            return None if (address.version == 4) == (rtype == "A") else f"bad-{rtype.lower()}"
        case "MX":
            preference, _, host = value.strip().partition(" ")
            if not (preference.isascii() and preference.isdigit() and int(preference) < 65536):
                return "bad-mx"
            # RFC 7505 §3: "0 ." is the null MX, a domain that accepts no mail at all.
            return None if host.strip() == "." or name_problem(host) is None else "bad-mx"
        case "PTR":
            return None if name_problem(value) is None else "bad-ptr"
        case "TXT":
            return None if len(value) <= MAX_TXT and value.isprintable() else "bad-txt"
    return "bad-type"


@dataclass(frozen=True, slots=True)
class Zone:
    """Names (lower case, no final dot) and their records by type, checked when read."""

    records: Mapping[str, Mapping[str, tuple[str, ...]]] = field(
        default_factory=lambda: MappingProxyType({}))

    def __bool__(self) -> bool:
        return bool(self.records)

    def lookup(self, name: str, rtype: str) -> tuple[str, ...]:
        """The records of ``rtype`` at ``name`` (none: an empty tuple)."""
        return self.records.get(normal_name(name), {}).get(rtype, ())

    def exists(self, name: str) -> bool:
        """The name has some record (else a lookup of it is NXDOMAIN)."""
        return normal_name(name) in self.records

    def mx_hosts(self, domain: str) -> tuple[tuple[int, str], ...]:
        """``domain``'s MX records as (preference, host), lowest preference first."""
        found = []
        for record in self.lookup(domain, "MX"):
            preference, _, host = record.strip().partition(" ")
            found.append((int(preference), normal_name(host) or "."))
        return tuple(sorted(found))

    def null_mx(self, domain: str) -> bool:
        """RFC 7505 §3: the domain's only MX is ``0 .``: it accepts no mail."""
        return self.mx_hosts(domain) == ((0, "."),)

    def addresses(self, name: str) -> tuple[str, ...]:
        return self.lookup(name, "A") + self.lookup(name, "AAAA")

    def mx_domains(self, host: str) -> tuple[str, ...]:
        """The domains whose MX records name ``host``: the mail it is an exchanger for
        (RFC 5321 §5.1), at any preference, sorted."""
        host = normal_name(host)
        return tuple(sorted(name for name in self.records
                            if any(mx == host for _, mx in self.mx_hosts(name))))

    def best_mx(self, domain: str) -> tuple[str, ...]:
        """The hosts of ``domain``'s lowest MX preference, the ones a sender tries first
        (RFC 5321 §5.1; several when they share it); none for no MX or the null MX."""
        hosts = [(preference, host) for preference, host in self.mx_hosts(domain)
                 if host != "."]
        return tuple(host for preference, host in hosts if preference == hosts[0][0])


def reverse_name(address: str) -> str:
    """The PTR name of an IP address: ``192.0.2.10`` -> ``10.2.0.192.in-addr.arpa``."""
    return ipaddress.ip_address(address).reverse_pointer


def zone_of(table: Mapping[str, Mapping[str, tuple[str, ...]]]) -> Zone:
    """A Zone of already checked records (names normalised here)."""
    return Zone(MappingProxyType({normal_name(name): MappingProxyType(dict(types))
                                  for name, types in table.items()}))


EMPTY: Final = Zone()
