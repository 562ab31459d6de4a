"""The Session's side of the rules: gathers the facts of each event and asks the scenario.

One Referee per Session. It holds what the rules need and the engine does not: the seeded
generator, the count of each kind of command, the recipients refused in the open
transaction, and the shared :class:`~simulator.protocol.memory.Memory` with its clock. The
strict default (no rules) has no Referee at all, so its hot path pays nothing.

It never sees the Session: at each event the session hands it a frozen
:class:`SessionFacts`, and it returns a :class:`~simulator.protocol.rules.Decision` (or
raises the refusal) that the session applies.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from .authmatch import AuthFacts
from .commands import Command, MailFrom, RcptTo
from .compliance import header_problem
from .dmarc import evaluate
from .escape import quote
from .headers import author_address, header_value
from .memory import Memory
from .policy import Policy
from .replies import Reply, make_reply
from .rules import Decision, Event, Facts, Rule, decide
from .senders import sender_refusal
from .spf import SpfResult, check_host
from .state import Verb
from .verdicts import Verdicts, client_ip, dkim_summary, fcrdns

EVENTS: Final = {verb: Event.END_OF_DATA if verb is Verb.END_OF_DATA else Event(verb.value.lower())
                 for verb in Verb}


def _no_time() -> float:
    return 0.0


def subject_of(message: bytes) -> str | None:
    """The unfolded Subject: header of ``message`` (RFC 5322 §2.2.3), or None."""
    return header_value(message, "Subject")


def client_address(peer: str) -> str:
    """The client's address without its port: ``192.0.2.1:4321`` -> ``192.0.2.1``,
    ``[2001:db8::1]:4321`` -> ``2001:db8::1`` (greylisting and rate limits count per
    address: a client gets a new port for every connection)."""
    if peer.startswith("["):
        return peer[1:].partition("]")[0]
    host, colon, port = peer.rpartition(":")
    return host if colon and port.isdigit() and ":" not in host else peer


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the referee may know of its session at one event, as the session says it."""

    peer: str
    helo: str | None
    """The HELO/EHLO domain, once given."""
    sender: str | None
    """The open transaction's reverse-path (MAIL FROM), if any."""
    recipients: tuple[str, ...]
    """The recipients accepted in the open transaction."""
    user: str | None
    """Who logged in with AUTH, if anyone."""

    @property
    def authenticated(self) -> bool:
        return self.user is not None


class Referee:
    """Asks the session's scenario at every event; remembers what the rules count."""

    def __init__(self, policy: Policy, *, session_id: str, memory: Memory | None,
                 timer: Callable[[], float] | None, rng: random.Random | None) -> None:
        self.policy = policy
        """The session's server (hostname, accounts, required header fields...)."""
        scenario = self.scenario = policy.scenario
        self.spf: SpfResult | None = None
        """SPF's verdict on the open transaction's MAIL FROM (a zone's scenario only)."""
        self.verdicts: Verdicts | None = None
        """The verdicts on the message just judged after its final dot."""
        self._dkim = policy.dkim
        self.memory = memory if memory is not None else Memory()
        self.timer = timer or _no_time
        self._rng = rng
        self._seed = f"{scenario.seed}:{session_id}"
        self.counts: dict[Event, int] = {}
        self.refused = 0
        """Recipients refused in the open transaction (for 554 5.5.1 at DATA)."""
        self._faults = any(rule.match.fault is not None for rule in scenario.rules)
        self._rates = any(rule.match.rate_limited is not None for rule in scenario.rules)
        self._wait = 0.0

    @classmethod
    def of(cls, policy: Policy, *, session_id: str, memory: Memory | None,
           timer: Callable[[], float] | None, rng: random.Random | None) -> Referee | None:
        """The referee of a session under ``policy``; None when there is nothing to judge
        (no rules, no zone, no required header: the strict default's hot path pays nothing)."""
        scenario = policy.scenario
        if not (scenario.rules or scenario.zone or policy.sender_login_match
                or policy.required_headers):
            return None
        return cls(policy, session_id=session_id, memory=memory, timer=timer, rng=rng)

    @property
    def rng(self) -> random.Random:
        """The session's generator, seeded on first use (the strict default never draws,
        so it never pays for hashing the seed)."""
        if self._rng is None:
            self._rng = random.Random(self._seed)
        return self._rng

    def greeting(self, session: SessionFacts) -> tuple[Reply, Decision | None]:
        """The greeting naming the scenario, or what a rule at connect says instead, and
        that rule's decision."""
        host = self.policy.hostname
        reply = (make_reply("session.greeting-scenario", host=host,
                            scenario=quote(self.scenario.name, 40))
                 if self.scenario.rules or self.scenario.zone
                 else make_reply("session.greeting", host=host))
        decision = self.at_connect(session)
        if decision is not None and decision.reply is not None:
            reply = decision.reply
        return reply, decision

    def at_connect(self, session: SessionFacts) -> Decision | None:
        """Asked before the greeting; a rule's refusal (421, 554) there always closes."""
        decision = self._ask(session, Facts(Event.CONNECT, fault=self._fault()), "")
        if decision is not None and decision.reply is not None:
            return dataclasses.replace(decision, close=True)
        return decision

    def at_command(self, session: SessionFacts, verb: Verb, argument: str,
                   command: Command) -> Decision | None:
        """Asked after the engine's own checks passed, before the command takes effect;
        raises the sender login check's 553 (senders.py) before any rule is asked."""
        if isinstance(command, MailFrom) and self.policy.sender_login_match:
            refusal = sender_refusal(self.policy.accounts, session.user, command.path)
            if refusal is not None:
                raise refusal
        event = EVENTS[verb]
        sender = session.sender
        address: tuple[str, ...] = ()
        helo = session.helo
        if isinstance(command, MailFrom):
            sender = command.path
            address = (command.path,)
        elif isinstance(command, RcptTo):
            address = (command.path,)
        elif verb is Verb.DATA:
            address = session.recipients
        elif verb in (Verb.HELO, Verb.EHLO):
            helo = argument
        limited = self._rate_limited(session) if event is Event.MAIL else False
        if isinstance(command, MailFrom) and self.scenario.zone:
            self.spf = check_host(self.scenario.zone, self._client(session), command.path,
                                  session.helo or "")
        facts = Facts(event, argument, address, sender, helo, nth=self._count(event),
                      authenticated=session.authenticated, fault=self._fault(),
                      greylisted=self._greylist(session, sender), rate_limited=limited,
                      auth=self._auth_facts(session, address))
        return self._ask(session, facts, address[0] if address else "")

    def at_empty_data(self, session: SessionFacts) -> Decision | None:
        """DATA with no accepted recipient: a rule may answer instead of the 503."""
        if not self.refused:
            return None
        facts = Facts(Event.DATA, "", (), session.sender, session.helo, nth=self._count(Event.DATA),
                      authenticated=session.authenticated, no_valid_recipients=True,
                      fault=self._fault())
        return self._ask(session, facts, "")

    def at_end_of_data(self, session: SessionFacts, message: bytes) -> Decision | None:
        """Asked after the final dot: the required header fields first (a message that is
        not one is judged by nothing else), then the rules."""
        refusal = header_problem(message, self.policy.required_headers)
        if refusal is not None:
            self.verdicts = None
            return Decision(Rule("required-headers", Event.END_OF_DATA, reply=refusal.key),
                            refusal, 0.0, False, False)
        recipients = session.recipients
        author = author_address(message)
        facts = Facts(Event.END_OF_DATA, "", recipients, session.sender, session.helo,
                      subject=subject_of(message), body=message, header_from=author,
                      nth=self._count(Event.END_OF_DATA),
                      authenticated=session.authenticated, fault=self._fault(),
                      auth=self._judge_message(session, message, author))
        return self._ask(session, facts, recipients[0] if recipients else "")

    def noted(self, verb: Verb | None, code: int) -> None:
        """Count a refused RCPT; a new transaction (MAIL, RSET, HELO) starts the count over."""
        if verb is Verb.RCPT and code >= 400:
            self.refused += 1
        elif verb in (Verb.MAIL, Verb.RSET, Verb.HELO, Verb.EHLO, Verb.END_OF_DATA):
            self.refused = 0

    # -- mail authentication against the scenario's zone ----------------------------------

    def _client(self, session: SessionFacts) -> str:
        return client_ip(session.peer, self.scenario.client_address)

    def _auth_facts(self, session: SessionFacts, address: tuple[str, ...]) -> AuthFacts:
        zone = self.scenario.zone
        if not zone:
            return AuthFacts()
        null_mx = any(zone.null_mx(a.rpartition("@")[2]) for a in address if "@" in a)
        return AuthFacts(spf=self.spf.result if self.spf else None, null_mx=null_mx,
                         fcrdns=fcrdns(zone, self._client(session)))

    def _judge_message(self, session: SessionFacts, message: bytes,
                       author: str | None) -> AuthFacts:
        """DKIM and DMARC after the final dot (RFC 7489 §6.6.2), kept for the header."""
        zone = self.scenario.zone
        if not zone:
            self.verdicts = None
            return AuthFacts()
        dkim = self._dkim(message, zone) if self._dkim is not None else ()
        spf = self.spf
        dmarc = None if author is None else evaluate(
            zone, author.rpartition("@")[2],
            spf_pass=spf.domain if spf and spf.result == "pass" else None,
            dkim_pass=[d.domain for d in dkim if d.result == "pass"])
        self.verdicts = Verdicts(spf, dkim, dmarc)
        return AuthFacts(spf=spf.result if spf else None, dkim=dkim_summary(dkim),
                         dmarc=dmarc.result if dmarc else "none",
                         dmarc_policy=dmarc.policy if dmarc else None,
                         fcrdns=fcrdns(zone, self._client(session)))

    # -- the facts that need the generator or the memory ---------------------------------

    def _count(self, event: Event) -> int:
        self.counts[event] = self.counts.get(event, 0) + 1
        return self.counts[event]

    def _fault(self) -> bool:
        return self._faults and self.rng.random() < self.scenario.fault_rate

    def _rate_limited(self, session: SessionFacts) -> bool:
        if not self._rates:
            return False
        limit = self.scenario.rate_limit
        return self.memory.count_message(client_address(session.peer), self.timer(),
                                         limit=limit) > limit

    def _greylist(self, session: SessionFacts, sender: str | None) -> Callable[[str], bool]:
        def listed(recipient: str) -> bool:
            triplet = (client_address(session.peer), sender or "", recipient)
            self._wait = self.memory.greylist_wait(
                triplet, self.timer(), delay=self.scenario.greylist_delay,
                expiry=self.scenario.greylist_expiry)
            return self._wait > 0

        return listed

    def _ask(self, session: SessionFacts, facts: Facts, address: str) -> Decision | None:
        def fields() -> dict[str, object]:
            return self._fields(session, facts, address)

        return decide(self.scenario, facts, hostname=self.policy.hostname, rng=self.rng,
                      fields=fields)

    def _fields(self, session: SessionFacts, facts: Facts, address: str) -> dict[str, object]:
        """What a catalogue reply named by a rule may say (see rules.RULE_FIELDS)."""
        local, _, domain = address.rpartition("@")
        return {
            "host": self.policy.hostname, "path": quote(address, 200),
            "local": quote(local or address, 64), "domain": quote(domain, 100),
            "forward": quote(f"{local or address}@new.{domain or self.policy.hostname}", 200),
            "helo": quote(facts.helo or "", 100), "peer": quote(session.peer, 100),
            "wait": math.ceil(self._wait), "limit": self.scenario.rate_limit,
            "author_domain": quote((facts.header_from or "").rpartition("@")[2].lower(), 100),
            "client": self._client(session),
            "sender_domain": quote(self.spf.domain if self.spf else "", 100),
        }
