"""The lab's named hosts: ``:connect HOST[:PORT]`` and ``--connect HOST:PORT`` for a host of
the scenario's DNS zone, played in-process by the built-in server.

Never a network connection and never real DNS: HOST must have an A or AAAA record in the
scenario's ``[dns]`` zone, and the built-in server then plays that host: its name in the
greeting and the Received: line, the mail exchanger of exactly the domains whose MX records
name it (RFC 5321 §5.1; a backup MX accepts too, as real ones do), on one of three ports:

- 25, mail exchange between servers: relays only for its own domains, unless the client
  authenticated (554 5.7.1 otherwise); STARTTLS offered, as most MX hosts do (RFC 3207);
- 587, submission (RFC 6409 §4): STARTTLS, then AUTH, before any mail (530 5.7.0 until then);
- 465, submission over implicit TLS (RFC 8314 §3.3): TLS from the first byte, then AUTH.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from simulator.lessons.scenarios import from_options
from simulator.protocol import Policy
from simulator.protocol.escape import show_typed
from simulator.protocol.zone import Zone, name_problem, normal_name

PORTS: Final = (25, 587, 465)
"""The ports a lab host listens on: 25 for mail between servers (the only port MX delivery
uses, RFC 8314 §3.3 leaves it as it is), 587 submission (RFC 6409), 465 submission over TLS
(RFC 8314 §3.3)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    """A lab host and port to play."""

    host: str
    port: int


@dataclasses.dataclass(frozen=True, slots=True)
class Refusal:
    """Why there is no such lab host: the ``console.KEY`` to say, with its fields."""

    key: str
    fields: dict[str, str]


def lab_target(zone: Zone, given: str) -> Target | Refusal:
    """``HOST[:PORT]`` -> the lab host to play, or why not (checked against ``zone`` only)."""
    host, colon, port = given.strip().rpartition(":")
    if not colon:
        host, port = given.strip(), "25"
    shown = show_typed(host, limit=80)
    if not zone:
        return Refusal("connect-no-zone", {})
    if name_problem(host) is not None:
        return Refusal("connect-unknown", {"host": shown})
    if not (port.isascii() and port.isdigit() and int(port) in PORTS):
        return Refusal("connect-bad-port", {"port": show_typed(port, limit=12) or "?",
                                            "host": normal_name(host)})
    if not zone.addresses(host):
        key = "connect-no-address" if zone.exists(host) else "connect-unknown"
        return Refusal(key, {"host": normal_name(host)})
    return Target(normal_name(host), int(port))


def named_host(zone: Zone, host: str, port: int) -> Target | Refusal | None:
    """``--connect HOST:PORT`` where HOST is a host of the lab's zone: the lab host to play
    (or why that port is no lab port); None for any other name (a real server, unchanged).
    With no zone at all, a name of the realistic scenario's zone is refused with a hint: it
    exists only in the lab (``.example``, RFC 2606), never on the internet."""
    if zone:
        return lab_target(zone, f"{host}:{port}") if zone.addresses(host) else None
    if from_options("realistic").zone.addresses(host):
        return Refusal("connect-lab-hint", {"host": normal_name(host)})
    return None


def lab_policy(base: Policy, target: Target) -> Policy:
    """The server ``target`` is: ``base`` (its scenario, limits, accounts) as that host on
    that port."""
    zone = base.scenario.zone
    scenario = dataclasses.replace(base.scenario, local_domains=zone.mx_domains(target.host))
    policy = dataclasses.replace(base, hostname=target.host, scenario=scenario,
                                 require_tls=False, require_auth=False, implicit_tls=False)
    if target.port == 25:
        return dataclasses.replace(policy, tls=True, auth=False)
    if target.port == 587:  # RFC 6409 §4, RFC 3207 §4: TLS, then AUTH, before MAIL
        return dataclasses.replace(policy, tls=True, require_tls=True, auth=True,
                                   require_auth=True)
    # RFC 8314 §3.3: the handshake first; no STARTTLS is offered on a TLS connection
    return dataclasses.replace(policy, tls=False, implicit_tls=True, auth=True, require_auth=True)
