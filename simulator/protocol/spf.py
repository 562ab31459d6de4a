"""SPF (RFC 7208): does the sender's domain authorise the client's address? Asked of the zone.

A small evaluator written here rather than pyspf: pyspf asks DNS through module-level
functions (a process-wide patch to redirect them), while this one asks only the
:class:`~simulator.protocol.zone.Zone` it is handed, so the engine stays sans-IO. It does
every mechanism and modifier of RFC 7208 §5-6 and the macros of §7 without the ``exp=``
text, with the limits of §4.6.4 (10 lookups, 10 MX hosts, 2 void lookups).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final

from .lazyre import lazy
from .zone import Zone, name_problem, normal_name, reverse_name

RESULTS: Final = ("pass", "fail", "softfail", "neutral", "none", "permerror", "temperror")
_QUALIFIERS: Final = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
MAX_LOOKUPS: Final = 10
"""RFC 7208 §4.6.4: terms that cause DNS lookups, over the whole evaluation."""
MAX_VOID: Final = 2
"""RFC 7208 §4.6.4: lookups answered with no record, before permerror."""
MAX_DEPTH: Final = 10


_MACRO: Final = lazy(r"%\{([slodiphcrtv])([0-9]*)(r?)([-.+,/_=]*)\}|%%|%_|%-", re.I)
_CIDR: Final = lazy(r"^(.*?)(?:/([0-9]+))?(?://([0-9]+))?$")


@dataclass(frozen=True, slots=True)
class SpfResult:
    """The verdict: the result (RFC 7208 §2.6), the domain asked, the deciding term."""

    result: str
    domain: str
    client: str
    term: str = ""
    """The mechanism that matched, or why it is an error (``lookup-limit``...)."""


class _PermError(Exception):
    pass


@dataclass(slots=True)
class _Walk:
    zone: Zone
    client: ipaddress.IPv4Address | ipaddress.IPv6Address
    sender: str
    helo: str
    lookups: int = 0
    void: int = 0

    def count(self) -> None:
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise _PermError("lookup-limit")

    def ask(self, name: str, rtype: str) -> tuple[str, ...]:
        """The records of ``rtype`` at ``name`` (``ADDR``: A and AAAA), counting a void answer."""
        found = self.zone.addresses(name) if rtype == "ADDR" else self.zone.lookup(name, rtype)
        if not found:
            self.void += 1
            if self.void > MAX_VOID:
                raise _PermError("void-limit")
        return found


def check_host(zone: Zone, client: str, sender: str, helo: str) -> SpfResult:
    """RFC 7208 §4: the SPF result for the MAIL FROM ``sender`` (its domain; for the null
    sender, ``postmaster@`` the HELO name, §2.4) sent from ``client``."""
    local, at, domain = sender.rpartition("@")
    if not at:
        local, domain = "postmaster", helo
    domain = normal_name(domain)
    walk = _Walk(zone, ipaddress.ip_address(client), f"{local or 'postmaster'}@{domain}", helo)
    try:
        result, term = _check(walk, domain, depth=0)
    except _PermError as err:
        result, term = "permerror", str(err)
    return SpfResult(result, domain, client, term)


def spf_record(zone: Zone, domain: str) -> tuple[str, ...]:
    """The SPF records of ``domain`` (RFC 7208 §4.5: TXT starting ``v=spf1``)."""
    return tuple(r for r in zone.lookup(domain, "TXT")
                 if r.lower() == "v=spf1" or r.lower().startswith("v=spf1 "))


def _check(walk: _Walk, domain: str, depth: int) -> tuple[str, str]:
    if name_problem(domain) is not None or "." not in domain:  # RFC 7208 §4.3
        return "none", ""
    records = spf_record(walk.zone, domain)
    if not records:
        return "none", ""
    if len(records) > 1:
        raise _PermError("two-records")
    redirect = None
    for term in records[0].split()[1:]:
        name, equals, value = term.partition("=")
        if equals and re.fullmatch(r"[a-z][a-z0-9_.-]*", name, re.I):
            if name.lower() == "redirect":
                redirect = _expand(walk, value, domain)
            continue  # exp= and unknown modifiers are ignored (§6)
        qualifier = _QUALIFIERS.get(term[:1])
        mechanism = term[1:] if qualifier else term
        if _matches(walk, mechanism, domain, depth):
            return qualifier or "pass", term
    if redirect is not None:  # §6.1
        walk.count()
        result, term = _check(walk, redirect, depth + 1)
        if result == "none":
            raise _PermError("redirect-none")
        return result, term
    return "neutral", ""  # §4.7: no match, no redirect


def _matches(walk: _Walk, mechanism: str, domain: str, depth: int) -> bool:
    kind, colon, rest = mechanism.partition(":")
    kind = kind.lower()
    if kind.partition("/")[0] in ("a", "mx") and "/" in kind:  # a/24, mx//64
        kind, _, cidr = kind.partition("/")
        rest = "/" + cidr
    if kind == "all":
        return True
    if kind in ("ip4", "ip6"):
        return _in_network(walk, rest, kind)
    if kind not in ("include", "a", "mx", "ptr", "exists"):
        raise _PermError(f"unknown mechanism {kind}")
    walk.count()
    spec, cidr4, cidr6 = _CIDR.match(rest).groups() if rest else ("", None, None)  # type: ignore[union-attr]
    target = _expand(walk, spec, domain) if colon and spec else domain
    if kind == "include":
        return _include(walk, target, depth)
    if kind == "exists":
        return bool(walk.ask(target, "A"))
    if kind == "ptr":
        return _ptr(walk, target)
    hosts = [target] if kind == "a" else _mx_hosts(walk, target)
    return any(_same_net(walk, address, cidr4, cidr6)
               for host in hosts for address in walk.ask(host, "ADDR"))


def _include(walk: _Walk, target: str, depth: int) -> bool:
    if depth >= MAX_DEPTH:
        raise _PermError("lookup-limit")
    result, _ = _check(walk, target, depth + 1)
    if result in ("none", "permerror"):  # §5.2
        raise _PermError("include-none" if result == "none" else "include-error")
    return result == "pass"


def _mx_hosts(walk: _Walk, domain: str) -> list[str]:
    hosts = [host for _, host in walk.zone.mx_hosts(domain) if host != "."]
    if not walk.ask(domain, "MX"):
        return []
    if len(hosts) > MAX_LOOKUPS:  # §4.6.4
        raise _PermError("mx-limit")
    return hosts


def _ptr(walk: _Walk, target: str) -> bool:
    """§5.5 (discouraged, but still met): a validated reverse name in ``target``."""
    for name in walk.ask(reverse_name(str(walk.client)), "PTR")[:MAX_LOOKUPS]:
        name = normal_name(name)
        if str(walk.client) in walk.zone.addresses(name) and (
                name == target or name.endswith("." + target)):
            return True
    return False


def _in_network(walk: _Walk, value: str, kind: str) -> bool:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise _PermError(f"bad {kind}") from None
    if (network.version == 4) != (kind == "ip4"):
        raise _PermError(f"bad {kind}")
    return walk.client.version == network.version and walk.client in network


def _same_net(walk: _Walk, address: str, cidr4: str | None, cidr6: str | None) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version != walk.client.version:
        return False
    prefix = cidr4 if ip.version == 4 else cidr6
    bits = int(prefix) if prefix else ip.max_prefixlen
    if bits > ip.max_prefixlen:
        raise _PermError("bad cidr")
    return walk.client in ipaddress.ip_network(f"{address}/{bits}", strict=False)


def _expand(walk: _Walk, spec: str, domain: str) -> str:
    """RFC 7208 §7: the macros of a domain-spec (``%{i}._spf.%{d}``)."""
    def one(found: re.Match[str]) -> str:
        whole = found.group(0)
        if whole in ("%%", "%_", "%-"):
            return {"%%": "%", "%_": " ", "%-": "%20"}[whole]
        letter, digits, reverse, delimiters = found.groups()
        value = _macro_value(walk, letter.lower(), domain)
        parts = re.split("[" + re.escape(delimiters or ".") + "]", value)
        if reverse:
            parts.reverse()
        if digits:
            parts = parts[-int(digits):] if int(digits) else parts
        return ".".join(parts)

    if "%" in _MACRO.sub("", spec):
        raise _PermError("bad macro")
    return normal_name(_MACRO.sub(one, spec))


def _macro_value(walk: _Walk, letter: str, domain: str) -> str:
    local, _, sender_domain = walk.sender.rpartition("@")
    client = walk.client
    nibbles = ".".join(client.exploded.replace(":", ""))  # §7.3: IPv6 as dotted nibbles
    values = {"s": walk.sender, "l": local, "o": sender_domain, "d": domain, "h": walk.helo,
              "i": str(client) if client.version == 4 else nibbles,
              "v": "in-addr" if client.version == 4 else "ip6", "p": "unknown",
              "c": str(client), "r": "unknown", "t": "0"}
    return values[letter]
