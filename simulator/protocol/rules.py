"""Scenarios as data: which command, address or message gets which reply, delay or disconnect.

A :class:`Scenario` is an ordered tuple of :class:`Rule`; the Session asks :func:`decide` at
each event (the connect, a command that passed the engine's own checks, the final dot) and
the first rule whose every condition holds decides. Rules never sleep and never draw from a
global generator: a delay is a number the driver honours, chance draws come from the
session's seeded generator, and what must be remembered across sessions (greylisting, rate
limits) is asked of the :class:`Facts` the session gathered. The TOML rule files that build
these objects are read above the engine (``simulator.lessons.scenarios``).
"""

from __future__ import annotations

import enum
import functools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from .authmatch import AuthFacts, AuthMatch
from .later import Later
from .patterns import Glob, Regex, TextSearch, any_matches
from .replies import Reply, make_reply
from .ruleindex import RuleIndex
from .zone import EMPTY, Zone


class Event(enum.Enum):
    """When a rule is asked: ``on = "rcpt"`` in a rule file."""

    CONNECT = "connect"
    HELO = "helo"
    """HELO or EHLO."""
    EHLO = "ehlo"
    """EHLO only."""
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    END_OF_DATA = "end-of-data"
    RSET = "rset"
    NOOP = "noop"
    QUIT = "quit"
    VRFY = "vrfy"
    EXPN = "expn"
    HELP = "help"
    STARTTLS = "starttls"
    AUTH = "auth"
    """The AUTH command (a teacher's rule may refuse it, as a server whose password store
    is down answers 454)."""
    ANY = "any"
    """Every command and the final dot (not the connect)."""


@dataclass(frozen=True, slots=True)
class Match:
    """The conditions of a rule; all given ones must hold (an empty Match always holds).

    Globs are case-insensitive shell patterns (``*@partner.example``), compiled when the file
    is read (:mod:`.patterns`); a tuple holds when any of its patterns does.
    """

    address: tuple[Glob, ...] = ()
    """The command's address: MAIL's sender, RCPT's recipient; at DATA and after the final
    dot, any accepted recipient."""
    sender: tuple[Glob, ...] = ()
    helo: tuple[Glob, ...] = ()
    argument: Regex | None = None
    """Searched in the command's argument text, case-insensitive (RE2: linear time)."""
    subject: tuple[Glob, ...] = ()
    """The message's Subject: header (after the final dot only)."""
    body: tuple[str, ...] = ()
    """Literal texts, any of which the message contains (after the final dot only)."""
    header_from: tuple[Glob, ...] = ()
    """The address of the message's header From: (after the final dot only): the author
    whose domain DMARC judges (RFC 7489 §3.1), not the envelope sender of MAIL FROM."""
    nth: int | None = None
    """The nth time this kind of command reaches the rules in the session (1 = first)."""
    chance: float | None = None
    """Probability 0..1, drawn from the session's seeded generator."""
    local: bool | None = None
    """The address's domain is one the scenario receives mail for."""
    authenticated: bool | None = None
    helo_fqdn: bool | None = None
    """The HELO/EHLO name is a fully qualified domain (or an address literal)."""
    no_valid_recipients: bool | None = None
    """At DATA: RCPT TO was tried and every recipient was refused."""
    fault: bool | None = None
    """This command drew a fault (probability: the scenario's fault rate)."""
    greylisted: bool | None = None
    """The (client address, sender, recipient) triplet is still greylisted."""
    rate_limited: bool | None = None
    """The client address sent more than the rate limit of messages in the last minute."""
    auth: AuthMatch | None = None
    """SPF, DKIM, DMARC, null MX and reverse DNS verdicts against the scenario's zone."""


@dataclass(frozen=True, slots=True)
class CustomReply:
    """A reply written in the rule file; its key is ``rule.<name>``."""

    code: int
    enhanced: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """A rule's own explanation in one language (from its ``[rule.explain.LANG]`` table)."""

    lang: str
    why: str
    fix: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: when (``on`` + ``match``), then what (reply, delay, disconnect)."""

    name: str
    on: Event
    match: Match = field(default_factory=Match)
    reply: CustomReply | str | None = None
    """A CustomReply, a catalogue key (``rcpt.user-unknown``), or None: the engine's own
    reply (after the delay), or no reply at all when the rule disconnects."""
    delay: tuple[float, float] = (0.0, 0.0)
    """Seconds before the reply: a fixed number is (n, n); a range is drawn uniformly."""
    disconnect: bool = False
    explain: tuple[Explanation, ...] = ()

    @property
    def key(self) -> str | None:
        """The key of this rule's reply, for the lessons (None: the engine's own reply)."""
        if isinstance(self.reply, str):
            return self.reply
        if self.reply is None:
            return HUNG_UP if self.disconnect else None
        return f"rule.{self.name}"

    def applies_to(self, event: Event) -> bool:
        if self.on is Event.ANY:
            return event is not Event.CONNECT
        if self.on is Event.HELO:
            return event in (Event.HELO, Event.EHLO)
        return self.on is event


def _address_globs(rule: Rule) -> tuple[Glob, ...]:
    """What the rules' index files a rule by: the globs its command's address must match."""
    return rule.match.address


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named set of rules and the settings its conditions use."""

    name: str = "strict"
    titles: tuple[tuple[str, str], ...] = ()
    """(language, title) pairs, shown by the console's :scenario and serve's start line."""
    rules: tuple[Rule, ...] = ()
    local_domains: tuple[str, ...] = ()
    """Domains mail is received for (the server's own host name is always one)."""
    greylist_delay: float = 60.0
    greylist_expiry: float = 86400.0
    """A greylisted triplet must come back within this many seconds (a day)."""
    rate_limit: int = 30
    """Messages (MAIL FROM) per client address per minute."""
    fault_rate: float = 0.1
    seed: int = 0
    later: Later = field(default_factory=Later)
    """Recipients accepted with 250 whose delivery fails afterwards (a report follows)."""
    zone: Zone = EMPTY
    """The scenario's DNS (its ``[dns]`` table): all SPF, DKIM and DMARC ever ask."""
    client_address: str = "192.0.2.1"
    """The client's address for sessions that have none (in-process: console, learn...)."""
    dkim_keys: tuple[tuple[str, str, bytes], ...] = ()
    """A teacher's own keys for the console's ``:dkim sign`` (``[dkim]``): name, algorithm,
    key. The engine never signs; it only carries them from the file to the console."""

    by_event: Mapping[Event, tuple[Rule, ...]] = field(init=False, repr=False, compare=False)
    """The rules asked at each event, in order (worked out once, not per command)."""
    index: Mapping[Event, RuleIndex[Rule]] = field(init=False, repr=False, compare=False)
    texts: TextSearch = field(init=False, repr=False, compare=False)
    """Every ``match.body`` text of the rules, searched for in one pass."""

    def __post_init__(self) -> None:
        by_event = {event: tuple(r for r in self.rules if r.applies_to(event)) for event in Event}
        object.__setattr__(self, "by_event", MappingProxyType(by_event))
        index = {event: RuleIndex.build(rules, _address_globs)
                 for event, rules in by_event.items()}
        object.__setattr__(self, "index", MappingProxyType(index))
        object.__setattr__(self, "texts", TextSearch(text for rule in self.rules
                                                     for text in rule.match.body))

    def title(self, lang: str) -> str:
        """The title in ``lang`` (else English, else the name)."""
        found = dict(self.titles)
        return found.get(lang) or found.get("en") or self.name


STRICT: Final = Scenario()
HUNG_UP: Final = "session.hung-up"
"""The key of a silent disconnect: the reply that the driver does not send."""


NO_VERDICTS: Final = AuthFacts()


@dataclass(frozen=True, slots=True)
class Facts:
    """What the session knows at one event, for the conditions to test."""

    event: Event
    argument: str = ""
    address: tuple[str, ...] = ()
    sender: str | None = None
    helo: str | None = None
    subject: str | None = None
    body: bytes = b""
    header_from: str | None = None
    """The header From: address (after the final dot), see :func:`_author_holds`."""
    nth: int = 1
    authenticated: bool = False
    no_valid_recipients: bool = False
    fault: bool = False
    greylisted: Callable[[str], bool] | None = None
    """Asked per recipient address; records the triplet (so asked last)."""
    rate_limited: bool = False
    auth: AuthFacts = NO_VERDICTS


@dataclass(frozen=True, slots=True)
class Decision:
    """What the deciding rule asks: the reply (None: the engine's own), delay, closing."""

    rule: Rule
    reply: Reply | None
    delay: float
    close: bool
    silent: bool
    """Close without sending any reply."""


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_local(address: str, scenario: Scenario, hostname: str) -> bool:
    """True when mail to ``address`` is for this server (<postmaster> always is)."""
    if "@" not in address:
        return True
    domain = domain_of(address)
    return domain == hostname.lower() or domain in scenario.local_domains


def is_fqdn(name: str | None) -> bool:
    """Postfix's reject_non_fqdn_helo_hostname: a dotted name or an address literal."""
    if name is None:
        return False
    return name.startswith("[") or ("." in name.strip(".") and not name.endswith("."))


def _given(value: str | None) -> tuple[str, ...]:
    return () if value is None else (value,)


def _texts_hold(match: Match, facts: Facts, found: Callable[[], frozenset[str]]) -> bool:
    """The pattern conditions: every one given must match what the client sent.
    ``found`` gives the scenario's message texts the message contains (searched once)."""
    if match.address and not any_matches(match.address, facts.address):
        return False
    if match.sender and not any_matches(match.sender, _given(facts.sender)):
        return False
    if match.helo and not any_matches(match.helo, _given(facts.helo)):
        return False
    if match.argument is not None and not match.argument.search(facts.argument):
        return False
    if match.subject and not any_matches(match.subject, _given(facts.subject)):
        return False
    return not match.body or not found().isdisjoint(match.body)


def _flags_hold(match: Match, facts: Facts, scenario: Scenario, hostname: str) -> bool:
    """The yes/no conditions; each one is computed only when the rule asks for it."""
    if match.nth is not None and match.nth != facts.nth:
        return False
    if match.authenticated is not None and match.authenticated != facts.authenticated:
        return False
    if match.fault is not None and match.fault != facts.fault:
        return False
    if match.rate_limited is not None and match.rate_limited != facts.rate_limited:
        return False
    if (match.no_valid_recipients is not None
            and match.no_valid_recipients != facts.no_valid_recipients):
        return False
    if match.helo_fqdn is not None and match.helo_fqdn != is_fqdn(facts.helo):
        return False
    if match.local is not None:
        local = bool(facts.address) and all(is_local(a, scenario, hostname)
                                            for a in facts.address)
        return match.local == local
    return True


def _author_holds(match: Match, facts: Facts) -> bool:
    """``header_from``: the header From: address matches (no From: matches nothing);
    and the authentication verdicts asked for."""
    if match.auth is not None and not match.auth.holds(facts.auth):
        return False
    if not match.header_from:
        return True
    return any_matches(match.header_from, _given(facts.header_from))


def _holds(match: Match, facts: Facts, scenario: Scenario, hostname: str,
           rng: random.Random, found: Callable[[], frozenset[str]]) -> bool:
    if not (_flags_hold(match, facts, scenario, hostname) and _texts_hold(match, facts, found)
            and _author_holds(match, facts)):
        return False
    if match.chance is not None and not rng.random() < match.chance:
        return False
    if match.greylisted is not None:
        ask = facts.greylisted
        listed = ask is not None and any([ask(a) for a in facts.address])
        return listed == match.greylisted
    return True


def decide(scenario: Scenario, facts: Facts, *, hostname: str, rng: random.Random,
           fields: Callable[[], dict[str, object]]) -> Decision | None:
    """The first rule of ``scenario`` for ``facts.event`` whose conditions hold, if any.

    ``fields`` gives what fills a catalogue reply's template (``path``, ``host``...); it is
    called only when the deciding rule names one, after its conditions were tested. Only
    the rules the index files under the command's addresses are tried (see RuleIndex).
    """
    found = functools.cache(lambda: scenario.texts.found_in(facts.body))
    for rule in scenario.index[facts.event].candidates(facts.address):
        if _holds(rule.match, facts, scenario, hostname, rng, found):
            return _decision(rule, rng, fields)
    return None


def _decision(rule: Rule, rng: random.Random,
              fields: Callable[[], dict[str, object]]) -> Decision:
    low, high = rule.delay
    delay = low if low == high else round(rng.uniform(low, high), 1)
    reply: Reply | None = None
    if isinstance(rule.reply, str):
        reply = make_reply(rule.reply, **fields())
    elif rule.reply is None and rule.disconnect:
        reply = make_reply(HUNG_UP)  # never sent: it tells the lessons what happened
    elif rule.reply is not None:
        custom = rule.reply
        # the rule's own text, with the facts a catalogue reply would have been built from
        reply = Reply(custom.code, custom.enhanced, (custom.text,), f"rule.{rule.name}",
                      MappingProxyType(fields()))
    close = rule.disconnect or (reply is not None and reply.code == 421)
    return Decision(rule, reply, delay, close, silent=rule.disconnect and rule.reply is None)


RULE_FIELDS: Final = ("host", "path", "local", "domain", "forward", "helo", "peer", "wait",
                      "limit", "author_domain", "client", "sender_domain")
"""The template fields a catalogue reply named by a rule may use."""
