"""Classes of addresses, as the lesson's scenario defines them, and what a step's command named.

A check never needs the literal address a learner typed: ``foreign`` is any address outside the
scenario's domains, ``unknown`` any address the scenario's rules refuse as a missing mailbox
(``nobody@`` in ``realistic``), ``greylisted`` any address its greylisting rule holds back, and
so on. So every address of the right class counts, whichever the learner picked.
"""

from __future__ import annotations

import functools
from typing import Final

from simulator.lessons.scenarios import load_scenario
from simulator.protocol import Exchange, MailFrom, Policy, RcptTo, Verb
from simulator.protocol.commands import ProtocolError, parse_path
from simulator.protocol.rules import Event, Scenario, is_local

RULE_CLASSES: Final = {
    "unknown": "rcpt.user-unknown",
    "greylisted": "rcpt.greylisted",
    "full": "rcpt.mailbox-full",
    "busy": "rcpt.mailbox-busy",
    "moved": "rcpt.user-moved",
}
"""A class made of the addresses a scenario rule on RCPT answers with this reply key."""
CLASSES: Final = ("local", "foreign", "known", "a-label", "u-label", *RULE_CLASSES)
"""Every class a check may name: ``local`` (one of the scenario's domains or the server's
name), ``foreign`` (any other), ``known`` (local, and no rule refuses it as unknown),
``a-label`` (a domain with an internationalized label in its ASCII form, ``xn--``...),
``u-label`` (a domain with an internationalized label in its Unicode form, bücher.example);
the local part plays no part in these two (it has no A-label: RFC 6531 §3.3)."""
ACE_PREFIX: Final = "xn--"
"""RFC 5890 §2.3.2.1: an A-label is the ASCII-compatible encoding of a U-label, starting
with this prefix; a domain written so is plain ASCII and needs no SMTPUTF8."""
HOSTNAME: Final = Policy().hostname
"""The server's own name in a lesson (always a local domain)."""


@functools.lru_cache(maxsize=16)
def scenario_named(name: str) -> Scenario:
    """The built-in scenario a lesson's setup names (read once)."""
    return load_scenario(name)


def _rule_classes(address: str, scenario: Scenario) -> set[str]:
    found = set()
    for rule in scenario.by_event[Event.RCPT]:
        patterns = rule.match.address
        if not any(pattern.matches(address) for pattern in patterns):
            continue
        found |= {name for name, key in RULE_CLASSES.items() if rule.key == key}
    return found


def in_class(kind: str, address: str, scenario: Scenario) -> bool:
    """True when ``address`` is of class ``kind`` in ``scenario``."""
    if kind in ("a-label", "u-label"):
        return _idn_domain(kind, address.rpartition("@")[2].lower())
    local = is_local(address, scenario, HOSTNAME)
    if kind == "local":
        return local
    if kind == "foreign":
        return not local
    special = _rule_classes(address, scenario)
    if kind == "known":
        return local and "unknown" not in special
    return kind in special


def _idn_domain(kind: str, domain: str) -> bool:
    """The domain holds an internationalized label written as ``kind`` says: an A-label,
    ``xn--`` and Punycode that decodes (RFC 5890 §2.3.2.1, RFC 3492), or a U-label, a label
    beyond ASCII that has such an A-label (RFC 5890 §2.3.2.1)."""
    labels = domain.split(".")
    if kind == "a-label":
        return domain.isascii() and any(label.startswith(ACE_PREFIX) and _converts(label, True)
                                        for label in labels)
    return any(not label.isascii() and _converts(label, False) for label in labels)


def _converts(label: str, ascii_form: bool) -> bool:
    """The label has its other form: an A-label decodes to Unicode beyond ASCII, a U-label
    encodes to an A-label (Python's ``idna`` codec: IDNA 2003, RFC 3490, near enough for a
    lesson's check)."""
    try:
        other = (label.encode("ascii").decode("idna") if ascii_form
                 else label.encode("idna").decode("ascii"))
    except UnicodeError:
        return False
    return not other.isascii() if ascii_form else other.startswith(ACE_PREFIX)


UTF8_REFUSALS: Final = frozenset({"mail.utf8-needs-smtputf8", "rcpt.utf8-needs-smtputf8"})
"""A MAIL or RCPT refused only because its path is beyond ASCII without SMTPUTF8."""


def address_of(exchange: Exchange) -> str | None:
    """The address the client's command named: MAIL's sender or RCPT's recipient; for one
    refused as beyond ASCII (RFC 6531 §3.5), the path as the engine reads it under SMTPUTF8."""
    command = exchange.command
    if isinstance(command, MailFrom | RcptTo):
        return command.path
    if exchange.reply.key in UTF8_REFUSALS and exchange.verb in (Verb.MAIL, Verb.RCPT):
        argument = exchange.line.decode("utf-8", "replace").partition(":")[2].strip("\r\n ")
        try:
            return parse_path(exchange.verb, argument, smtputf8=True)[0]
        except ProtocolError:
            return None
    return None


def parameters_of(exchange: Exchange) -> tuple[str, ...]:
    """The MAIL FROM parameters the server parsed (``SIZE``, ``BODY``, ``SMTPUTF8``)."""
    command = exchange.command
    if not isinstance(command, MailFrom):
        return ()
    given = (("SIZE", command.size is not None), ("BODY", command.body is not None),
             ("SMTPUTF8", command.smtputf8))
    return tuple(name for name, present in given if present)


def same_address(one: str, other: str) -> bool:
    """Two spellings of one mailbox: the domain is case-insensitive (RFC 5321 §2.4), and the
    local part is matched without case too, as every mail server in practice does."""
    return one.lower() == other.lower()
