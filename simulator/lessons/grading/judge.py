"""The judge: each item of a rubric, passed, failed or not applicable, on the sessions a
student's program held, read from the server's Exchanges alone (the reply keys say why;
``Exchange.sent_ahead`` says the program did not wait for a reply).

Each built-in item is a function of the sessions: it returns its verdict and, when it
failed, the Exchange that shows it (the line the program sent and what the server said).
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from simulator.protocol import Exchange, State

from ..course.checks import matches, verb_of
from ..course.model import Check
from .model import Item, Rubric, server_policy


class Verdict(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not-applicable"
    """Nothing the program did concerns the item (no DATA: nothing to stuff)."""


@dataclass(frozen=True, slots=True)
class Session:
    """One connection the program made: its id, its address, every Exchange in order."""

    id: str
    peer: str
    exchanges: tuple[Exchange, ...]
    times: tuple[float, ...] = ()
    """When each Exchange's reply was given (the driver's clock, seconds), when recorded."""


@dataclass(frozen=True, slots=True)
class Finding:
    verdict: Verdict
    evidence: Exchange | None = None
    session: str | None = None


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: Item
    verdict: Verdict
    points: int
    evidence: Exchange | None = None
    session: str | None = None


@dataclass(frozen=True, slots=True)
class Grade:
    rubric: Rubric
    results: tuple[ItemResult, ...]
    sessions: tuple[Session, ...]

    @property
    def score(self) -> int:
        return sum(result.points for result in self.results)

    @property
    def passed(self) -> bool:
        """Every required item passed or did not apply."""
        return not any(r.item.required and r.verdict is Verdict.FAILED for r in self.results)


PASSED: Final = Finding(Verdict.PASSED)
NOT_APPLICABLE: Final = Finding(Verdict.NOT_APPLICABLE)
HELLOS: Final = frozenset({"EHLO", "HELO"})
LAST_IN_GROUP: Final = frozenset({"EHLO", "HELO", "DATA", "QUIT", "NOOP", "VRFY", "EXPN",
                                  "STARTTLS", "AUTH"})
"""RFC 2920 §3.1: commands that must end a pipelined group (the client waits for their
reply); STARTTLS (RFC 3207 §4.2) and AUTH (RFC 4954 §4) change the conversation too."""
CRLF_KEYS: Final = frozenset({"syntax.bare-lf", "syntax.bare-cr", "data.bare-lf",
                              "data.bare-cr"})
BRACKET_KEYS: Final = frozenset({"syntax.path-no-brackets", "syntax.space-after-colon"})

SITUATIONAL: Final = frozenset({"stops-on-5xx", "handles-4xx", "handles-421", "starttls",
                                "auth"})
"""Items about a situation that may not arise (no refusal, no TLS asked): not applicable,
they earn their points; any other item earns them only by passing."""

Sessions = Sequence[Session]


def _failed(session: Session, exchange: Exchange) -> Finding:
    return Finding(Verdict.FAILED, exchange, session.id)


def _commands(session: Session) -> Iterator[Exchange]:
    """The Exchanges that answer something the program sent (not the greeting, nor a
    timeout or a shutdown, which answer nothing)."""
    return (e for e in session.exchanges if e.line)


def _first_failure(sessions: Sessions, bad: Callable[[Exchange], bool],
                   applies: Callable[[Exchange], bool] = bool) -> Finding:
    """FAILED at the first Exchange that is ``bad``; PASSED when some Exchange ``applies``;
    else NOT_APPLICABLE."""
    applied = False
    for session in sessions:
        for exchange in _commands(session):
            if bad(exchange):
                return _failed(session, exchange)
            applied = applied or applies(exchange)
    return PASSED if applied else NOT_APPLICABLE


def waits_for_greeting(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §3.1: the client waits for the 220 before it sends anything."""
    for session in sessions:
        greeting = session.exchanges[0] if session.exchanges else None
        if greeting is not None and greeting.sent_ahead:
            following = next(_commands(session), greeting)
            return _failed(session, following)
    return PASSED if sessions else NOT_APPLICABLE


def greets(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.1.1.1: EHLO (or HELO) opens the session, before any other command."""
    for session in sessions:
        first = next(_commands(session), None)
        if first is not None and (verb_of(first) not in HELLOS or first.reply.code != 250):
            return _failed(session, first)
    return PASSED if any(next(_commands(s), None) for s in sessions) else NOT_APPLICABLE


def crlf(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §2.3.8: every line, commands and message text, ends with CRLF."""
    return _first_failure(sessions, lambda e: e.reply.key in CRLF_KEYS)


def angle_brackets(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.1.2: MAIL FROM:<path> and RCPT TO:<path>, brackets and no space."""
    return _first_failure(sessions, lambda e: e.reply.key in BRACKET_KEYS,
                          lambda e: verb_of(e) in ("MAIL", "RCPT"))


def _pipelining(session: Session) -> bool:
    """PIPELINING was offered in the 250 to the EHLO of this session (RFC 2920 §3)."""
    return any(verb_of(e) == "EHLO" and e.reply.code == 250
               and b"PIPELINING" in e.reply.to_bytes() for e in session.exchanges)


def waits_for_replies(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.3.1 (lock-step) unless RFC 2920 pipelining was offered: then only the
    commands that end a group must be waited for."""
    for session in sessions:
        pipelining = _pipelining(session)
        commands = list(_commands(session))
        for exchange, after in itertools.pairwise(commands):
            verb = verb_of(exchange)
            if not exchange.sent_ahead or verb in ("DATA", "QUIT"):
                continue  # DATA and QUIT have their own items
            if not pipelining or verb in LAST_IN_GROUP:
                return _failed(session, after)
    return PASSED if any(next(_commands(s), None) for s in sessions) else NOT_APPLICABLE


def waits_for_354(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.1.1.4: the message text goes only after the 354."""
    return _first_failure(sessions, lambda e: e.reply.code == 354 and e.sent_ahead,
                          lambda e: e.reply.code == 354)


def _dot_lines(rubric: Rubric) -> tuple[str, ...]:
    head = list(rubric.message.lines)
    body = head[head.index("") + 1:] if "" in head else head
    return tuple(line for line in body if line.startswith("."))


def dot_stuffing(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.5.2: a text line that begins with "." is sent with one more "."; the
    server takes it away, so the message keeps the line as written."""
    wanted = _dot_lines(rubric)
    for session in sessions:
        for exchange in session.exchanges:
            if exchange.message is None or not wanted:
                continue
            body = exchange.message.content.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")
            lines = body.split("\r\n")
            if not all(line in lines for line in wanted):
                return _failed(session, exchange)
            return PASSED
    return NOT_APPLICABLE


def ends_data(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.1.1.4: the text ends with <CRLF>.<CRLF>; a session left in DATA never
    ended it."""
    applied = False
    for session in sessions:
        for exchange in session.exchanges:
            applied = applied or exchange.reply.code == 354
        last = session.exchanges[-1] if session.exchanges else None
        if last is not None and last.state_after is State.DATA:
            return _failed(session, last)
    return PASSED if applied else NOT_APPLICABLE


def message_accepted(sessions: Sessions, rubric: Rubric) -> Finding:
    """The goal of the lab: the server took a message (250 after the final dot)."""
    last: tuple[Session, Exchange] | None = None
    for session in sessions:
        for exchange in session.exchanges:
            if exchange.message is not None and exchange.reply.code == 250:
                return PASSED
            if exchange.reply.code >= 400:
                last = (session, exchange)
    if last is None:
        return Finding(Verdict.FAILED, sessions[-1].exchanges[-1] if sessions and
                       sessions[-1].exchanges else None, sessions[-1].id if sessions else None)
    return _failed(*last)


def quits(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.1.1.10: the client ends the session with QUIT (unless the server closed
    it first, with 421)."""
    for session in sessions:
        if not session.exchanges or session.exchanges[-1].state_after is State.CLOSED:
            continue
        if not any(verb_of(e) == "QUIT" for e in session.exchanges):
            return _failed(session, session.exchanges[-1])
    return PASSED if sessions else NOT_APPLICABLE


def waits_for_221(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.1.1.10: the client reads the 221 before it closes the connection."""
    return _first_failure(sessions, lambda e: verb_of(e) == "QUIT" and e.sent_ahead,
                          lambda e: verb_of(e) == "QUIT")


def handles_4xx(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §4.2.5 and §4.5.4.1: a 4xx is temporary: the client tries again later (a
    greylisted recipient after the delay; after a 421, in a new session) until it is taken."""
    accepted = {e.command.path.lower() for s in sessions for e in s.exchanges  # type: ignore[union-attr]
                if verb_of(e) == "RCPT" and e.reply.code == 250}
    delivered = any(e.message is not None and e.reply.code == 250
                    for s in sessions for e in s.exchanges)
    if early := _too_soon(sessions, rubric):
        return early
    applied = False
    for session in sessions:
        for exchange in _commands(session):
            if not 400 <= exchange.reply.code < 500:
                continue
            applied = True
            path = getattr(exchange.command, "path", None)
            retried = (path.lower() in accepted) if verb_of(exchange) == "RCPT" and isinstance(
                path, str) else delivered
            if not retried:
                return _failed(session, exchange)
    return PASSED if applied else NOT_APPLICABLE


CLOCK_SLACK: Final = 0.05  # s: a reply is stamped a little after greylisting read the clock


def _too_soon(sessions: Sessions, rubric: Rubric) -> Finding | None:
    """FAILED at the first retry of a greylisted recipient sent before the delay the
    server asked for (RFC 6647 §2.1: the retry must come after it), when times were kept."""
    first: dict[str, float] = {}
    for session in sessions:
        for exchange, at in zip(session.exchanges, session.times, strict=False):
            path = getattr(exchange.command, "path", None)
            if verb_of(exchange) != "RCPT" or not isinstance(path, str):
                continue
            path = path.lower()
            if path in first and at - first.pop(path) < _greylist_delay(rubric) - CLOCK_SLACK:
                return _failed(session, exchange)
            elif exchange.reply.key == "rcpt.greylisted":
                first[path] = at
    return None


def _greylist_delay(rubric: Rubric) -> float:
    return rubric.setup.greylist_delay or server_policy(rubric).scenario.greylist_delay


def handles_421(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §3.8: a server may close a session with 421 at any time; the client
    connects again later and delivers the message in a new session."""
    for number, session in enumerate(sessions):
        closing = next((e for e in _commands(session) if e.reply.code == 421), None)
        if closing is None:
            continue
        later = (e for s in sessions[number + 1:] for e in s.exchanges)
        if any(e.message is not None and e.reply.code == 250 for e in later):
            return PASSED
        return _failed(session, closing)
    return NOT_APPLICABLE


def stops_on_5xx(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 5321 §3.3: with no recipient accepted there is no message to send: no DATA."""
    applied = False
    for session in sessions:
        refused = taken = False
        for exchange in _commands(session):
            verb = verb_of(exchange)
            if verb == "MAIL" or verb in HELLOS or verb == "RSET":
                refused = taken = False
            elif verb == "RCPT":
                taken = taken or exchange.reply.code == 250
                refused = refused or exchange.reply.code >= 500
            elif verb == "DATA" and refused and not taken:
                return _failed(session, exchange)
            applied = applied or (refused and not taken)
    return PASSED if applied else NOT_APPLICABLE


def starttls(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 3207 §4.2: STARTTLS, the handshake, then EHLO again before anything else."""
    if rubric.setup.tls is None:
        return NOT_APPLICABLE
    for session in sessions:
        keys = [e.reply.key for e in session.exchanges]
        if "tls.ready" in keys:
            after = keys[keys.index("tls.ready") + 1:]
            if after and after[0] in ("session.ehlo", "session.helo"):
                return PASSED
    return message_or_last(sessions)


def auth(sessions: Sessions, rubric: Rubric) -> Finding:
    """RFC 4954 §4: AUTH succeeds (235), and over TLS when the server offers it."""
    if not rubric.setup.auth:
        return NOT_APPLICABLE
    for session in sessions:
        tls = False
        for exchange in session.exchanges:
            tls = tls or exchange.reply.key == "tls.ready"
            if exchange.reply.key == "auth.succeeded":
                if rubric.setup.tls is not None and not tls:
                    return _failed(session, exchange)
                return PASSED
    return message_or_last(sessions)


def message_or_last(sessions: Sessions) -> Finding:
    """FAILED, shown by the first error reply (or the last exchange) of the sessions."""
    for session in sessions:
        for exchange in _commands(session):
            if exchange.reply.code >= 400:
                return _failed(session, exchange)
    if sessions and sessions[-1].exchanges:
        return _failed(sessions[-1], sessions[-1].exchanges[-1])
    return Finding(Verdict.FAILED)


ItemJudge = Callable[[Sessions, Rubric], Finding]
BUILTIN_ITEMS: Final[Mapping[str, ItemJudge]] = MappingProxyType({
    "waits-for-greeting": waits_for_greeting, "greets": greets, "crlf": crlf,
    "angle-brackets": angle_brackets, "waits-for-replies": waits_for_replies,
    "waits-for-354": waits_for_354, "dot-stuffing": dot_stuffing, "ends-data": ends_data,
    "message-accepted": message_accepted, "quits": quits, "waits-for-221": waits_for_221,
    "handles-4xx": handles_4xx, "handles-421": handles_421, "stops-on-5xx": stops_on_5xx,
    "starttls": starttls, "auth": auth,
})
"""Every built-in item by its stable id (graders' scripts read these ids)."""


def custom(item: Item, sessions: Sessions) -> Finding:
    """A rubric's own item: ``not_seen`` must match no Exchange, ``seen`` some Exchange."""
    if item.not_seen is not None and (bad := _matching(item.not_seen, sessions)):
        return bad
    if item.seen is not None and _matching(item.seen, sessions) is None:
        return message_or_last(sessions)
    return PASSED


def _matching(check: Check, sessions: Sessions) -> Finding | None:
    for session in sessions:
        for exchange in session.exchanges:
            if matches(check, exchange):
                return _failed(session, exchange)
    return None


def judge(rubric: Rubric, sessions: Sessions) -> Grade:
    """Every item of ``rubric`` judged on ``sessions``; points for the passed ones."""
    results = []
    for item in rubric.items:
        judged = BUILTIN_ITEMS.get(item.id)
        finding = judged(sessions, rubric) if judged and item.seen is None and (
            item.not_seen is None) else custom(item, sessions)
        earned = finding.verdict is Verdict.PASSED or (
            finding.verdict is Verdict.NOT_APPLICABLE and item.id in SITUATIONAL)
        points = item.points if earned else 0
        results.append(ItemResult(item, finding.verdict, points, finding.evidence,
                                  finding.session))
    return Grade(rubric, tuple(results), tuple(sessions))
