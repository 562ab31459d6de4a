"""The tutor: ``observe(exchange) -> progress``. Pure; it reads only what the server produced.

A goal is met the moment an Exchange matches its check, provided the goals it comes ``after``
are met already and, for ``count`` goals, often enough. Goals scoped to a transaction are
undone when the transaction is thrown away before a message completes it (RSET, a new
HELO/EHLO, QUIT, a closed or new session), so "MAIL accepted, then the message" means one
transaction, not any MAIL ever.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass, field, replace
from typing import Final

from simulator.protocol import Exchange, MailFrom, ReceivedMessage, State
from simulator.protocol.events import Then

from .model import Check, Goal, Lesson, MessageCheck, Scope

_IN_TRANSACTION: Final = frozenset({State.MAIL, State.RCPT, State.DATA})
_NO_TRANSACTION: Final = frozenset({State.CONNECTED, State.GREETED, State.CLOSED})


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the learner is in one lesson."""

    met: tuple[str, ...] = ()
    """Goal ids met, in the order they were met."""
    open: frozenset[str] = frozenset()
    """Transaction-scoped goals met in the transaction still open."""
    counts: tuple[tuple[str, int], ...] = ()
    codes: tuple[int, ...] = ()
    """Reply codes seen, each once, in the order first seen."""
    ticked: tuple[str, ...] = ()
    """Goals the last observation met."""
    undone: tuple[str, ...] = ()
    """Goals the last observation undid."""
    counted: tuple[str, ...] = ()
    """``count`` goals the last observation brought closer without meeting them yet."""
    hints: tuple[tuple[str, int], ...] = field(default=())
    """Hints shown per goal (how many levels)."""

    def is_met(self, goal_id: str) -> bool:
        return goal_id in self.met

    def count(self, goal_id: str) -> int:
        return dict(self.counts).get(goal_id, 0)

    def hints_shown(self, goal_id: str) -> int:
        return dict(self.hints).get(goal_id, 0)

    @property
    def hints_used(self) -> int:
        return sum(level for _, level in self.hints)


def current_goal(lesson: Lesson, progress: Progress) -> Goal | None:
    """The first goal, in the lesson's order, not met yet (None when complete)."""
    return next((goal for goal in lesson.goals if not progress.is_met(goal.id)), None)


def is_complete(lesson: Lesson, progress: Progress) -> bool:
    return current_goal(lesson, progress) is None


def missing_goals(lesson: Lesson, progress: Progress) -> tuple[Goal, ...]:
    return tuple(goal for goal in lesson.goals if not progress.is_met(goal.id))


def with_hint(progress: Progress, goal_id: str, levels: int) -> Progress:
    """One more hint level shown for ``goal_id`` (at most ``levels``)."""
    hints = dict(progress.hints)
    hints[goal_id] = min(hints.get(goal_id, 0) + 1, levels)
    return replace(progress, hints=tuple(hints.items()))


def observe(lesson: Lesson, progress: Progress, exchange: Exchange) -> Progress:
    """The progress after the server sent ``exchange``."""
    met, open_, counts = list(progress.met), set(progress.open), dict(progress.counts)
    undone: list[str] = []
    if exchange.message is not None:
        open_.clear()  # the transaction delivered: its goals stay met
    elif _throws_away_transaction(exchange):
        undone = [goal_id for goal_id in met if goal_id in open_]
        met = [goal_id for goal_id in met if goal_id not in open_]
        open_.clear()
    if is_greeting(exchange):
        for goal in lesson.goals:  # a new session: per-session counters start again
            if goal.scope is Scope.SESSION and goal.id not in met:
                counts.pop(goal.id, None)
    ticked: list[str] = []
    counted: list[str] = []
    for goal in lesson.goals:
        if goal.id in met or not all(other in met for other in goal.after):
            continue
        if not matches(goal.check, exchange):
            continue
        counts[goal.id] = counts.get(goal.id, 0) + 1
        if counts[goal.id] >= goal.count:
            met.append(goal.id)
            ticked.append(goal.id)
            if goal.scope is Scope.TRANSACTION and exchange.state_after in _IN_TRANSACTION:
                open_.add(goal.id)
        else:
            counted.append(goal.id)
    codes = progress.codes
    if exchange.reply.code not in codes:
        codes = (*codes, exchange.reply.code)
    return replace(progress, met=tuple(met), open=frozenset(open_), counts=tuple(counts.items()),
                   codes=codes, ticked=tuple(ticked), undone=tuple(undone),
                   counted=tuple(counted))


def is_greeting(exchange: Exchange) -> bool:
    """The 220 a new session starts with (any scenario's wording): no client line, code 220."""
    return not exchange.line and exchange.reply.code == 220


def _throws_away_transaction(exchange: Exchange) -> bool:
    if is_greeting(exchange):
        return True  # a new session: whatever was open in the old one is gone
    return (exchange.state_before in _IN_TRANSACTION
            and exchange.state_after in _NO_TRANSACTION)


class Tutor:
    """A lesson and its progress, for faces that observe one Exchange at a time."""

    def __init__(self, lesson: Lesson, progress: Progress | None = None) -> None:
        self.lesson = lesson
        self.progress = progress or Progress()

    def observe(self, exchange: Exchange) -> Progress:
        self.progress = observe(self.lesson, self.progress, exchange)
        return self.progress

    @property
    def current(self) -> Goal | None:
        return current_goal(self.lesson, self.progress)

    @property
    def complete(self) -> bool:
        return is_complete(self.lesson, self.progress)


# -- the checks ---------------------------------------------------------------------------

def verb_of(exchange: Exchange) -> str:
    """The first word of the client's line, upper case (``.`` ends a message; empty for a
    greeting, timeout or shutdown)."""
    words = exchange.line.split(None, 1)
    return words[0].decode("ascii", "replace").upper() if words else ""


def matches(check: Check, exchange: Exchange) -> bool:
    """True when ``exchange`` holds everything ``check`` asks for."""
    reply = exchange.reply
    simple = (
        (not check.keys or reply.key in check.keys),
        check.code is None or reply.code == check.code,
        check.enhanced is None or reply.enhanced == check.enhanced,
        check.verb is None or verb_of(exchange) == check.verb,
        check.state_before is None or exchange.state_before is check.state_before,
        check.state_after is None or exchange.state_after is check.state_after,
        check.min_lines is None or len(reply.lines) >= check.min_lines,
        check.closes is None or (exchange.then is Then.CLOSE) is check.closes,
        check.parameter is None or _has_parameter(exchange, check.parameter),
    )
    if not all(simple):
        return False
    if check.message is None:
        return True
    return exchange.message is not None and message_matches(check.message, exchange.message)


def _has_parameter(exchange: Exchange, name: str) -> bool:
    command = exchange.command
    if not isinstance(command, MailFrom):
        return False
    given = {"SIZE": command.size is not None, "BODY": command.body is not None,
             "SMTPUTF8": command.smtputf8}
    return given.get(name, False)


def _split_message(content: bytes) -> tuple[bytes, bytes | None]:
    """The header section and the body (None when there is no empty line)."""
    head, separator, body = content.partition(b"\r\n\r\n")
    return (head, body) if separator else (content, None)


def _body_lines(body: bytes) -> list[str]:
    return body.decode("utf-8", "replace").split("\r\n")


def message_matches(check: MessageCheck, message: ReceivedMessage) -> bool:
    """True when the accepted ``message`` holds everything ``check`` asks for."""
    envelope = message.envelope
    head, body = _split_message(message.content)
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    recipients = [address.lower() for address in envelope.recipients]
    tests = (
        check.header is None or headers.get(check.header) is not None,
        not check.body or (body is not None and body.strip() != b""),
        check.body_line_starts is None or (
            body is not None and any(line.startswith(check.body_line_starts)
                                     for line in _body_lines(body))),
        check.body_contains is None or (
            body is not None and check.body_contains in body.decode("utf-8", "replace")),
        not check.utf8 or not message.content.isascii(),
        check.recipients is None or len(recipients) == check.recipients,
        check.recipient is None or check.recipient.lower() in recipients,
        check.not_recipient is None or check.not_recipient.lower() not in recipients,
        check.sender_domain is None
        or envelope.sender.lower().endswith("@" + check.sender_domain.lower()),
        check.body_type is None or (envelope.body or "").upper() == check.body_type.upper(),
        not check.smtputf8 or envelope.smtputf8,
        not check.tls or _came_over_tls(headers.get("Received")),
    )
    return all(tests)


_TLS_PROTOCOL: Final = re.compile(r"\bwith\s+(?:ESMTPSA?|UTF8SMTPSA?)\b")


def _came_over_tls(received: str | None) -> bool:
    """The server's own trace line (the first Received:) names a TLS protocol (RFC 3848)."""
    return received is not None and _TLS_PROTOCOL.search(received) is not None
