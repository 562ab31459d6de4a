"""The tutor: ``observe(exchange) -> progress``. Pure; it reads only what the server produced.

A goal is met the moment an Exchange matches its check, provided the goals it comes ``after``
are met already and, for ``count`` goals, often enough. Goals scoped to a transaction are
undone when the transaction is thrown away before a message completes it (RSET, a new
HELO/EHLO, QUIT, a closed or new session), so "MAIL accepted, then the message" means one
transaction, not any MAIL ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final

from simulator.protocol import Exchange, State

from .addresses import parameters_of, scenario_named
from .checks import Context, Seen, matches, message_matches, refers_to, seen_in, verb_of
from .model import Goal, Lesson, Scope
from .near import NearMiss, near_miss

_IN_TRANSACTION: Final = frozenset({State.MAIL, State.RCPT, State.DATA})
_NO_TRANSACTION: Final = frozenset({State.CONNECTED, State.GREETED, State.CLOSED})


@dataclass(frozen=True, slots=True)
class Answered:
    """The learner's last ``:answer``: to which quiz step (empty when no question was asked
    at that moment), as compared (normalized), and whether it was right."""

    goal: str
    given: str
    right: bool


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
    seen: tuple[tuple[str, Seen], ...] = ()
    """What the server read in the exchange that met each goal (for "the same" checks)."""
    last_key: str = ""
    """The reply key of the last Exchange (hints react to it)."""
    near: NearMiss | None = None
    """Why the last reply nearly counted for the current step but did not."""
    answered: Answered | None = None
    """The last ``:answer`` (see :mod:`.quiz`); None once a reply came after it."""
    faced: tuple[str, ...] = ()
    """Goals whose ``despite`` failure the learner has met (they may count from now on)."""
    host: str = ""
    """The server of the session: the name its last greeting gave, lower case."""
    text_ahead: bool = False
    """The last transaction's 354 came after its text had been sent (RFC 2920 §3.1: DATA
    ends a group): its message completes none of its steps (kept until the next reply after
    the message, so a face can say why its steps were undone)."""
    transaction: tuple[str, ...] = ()
    """The parameters of the MAIL FROM that opened the transaction still open (none: ())."""
    ahead: bool = False
    """The last reply found the client's next line sent already (a pipelined group)."""

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
    """The first goal, in the lesson's order, not met yet (None when complete); but when
    unmet goals wait ``despite`` failures the learner has met, the one met last: its hints
    are about the refusal the learner is looking at."""
    unmet = [goal for goal in lesson.goals if not progress.is_met(goal.id)]
    faced = [goal for goal in unmet if goal.id in progress.faced]
    if faced:
        return max(faced, key=lambda goal: progress.faced.index(goal.id))
    return unmet[0] if unmet else None


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
    seen = dict(progress.seen)
    undone = _undo_thrown_away(exchange, met, open_, seen, progress.text_ahead)
    text_ahead = (exchange.reply.key == "data.start" and exchange.sent_ahead) or (
        progress.text_ahead
        and (exchange.state_after is State.DATA or exchange.message is not None))
    if is_greeting(exchange):
        for goal in lesson.goals:  # a new session: per-session counters start again
            if goal.scope is Scope.SESSION and goal.id not in met:
                counts.pop(goal.id, None)
    host = exchange.reply.fact("host").lower() if is_greeting(exchange) else progress.host
    context = Context(scenario_named(lesson.setup.scenario), dict(seen), host,
                      progress.transaction, progress.ahead)
    ticked, counted = _tick(lesson, exchange, context, met, open_, counts, seen,
                            progress.faced)
    faced = progress.faced + tuple(
        goal.id for goal in lesson.goals if goal.despite is not None
        and goal.id not in progress.faced and matches(goal.despite, exchange, context))
    codes = progress.codes
    if exchange.reply.code not in codes:
        codes = (*codes, exchange.reply.code)
    near = None
    if not ticked and not counted:
        near = near_miss(lesson, met, exchange, context)
    return replace(progress, met=tuple(met), open=frozenset(open_), counts=tuple(counts.items()),
                   codes=codes, ticked=tuple(ticked), undone=tuple(undone),
                   counted=tuple(counted), seen=tuple(seen.items()),
                   last_key=exchange.reply.key, near=near, answered=None, faced=faced,
                   host=host, text_ahead=text_ahead,
                   transaction=_transaction(exchange, progress.transaction),
                   ahead=exchange.sent_ahead)


def _transaction(exchange: Exchange, before: tuple[str, ...]) -> tuple[str, ...]:
    """The MAIL FROM parameters in force after ``exchange``: those of the MAIL FROM that just
    opened a transaction, kept while it stays open (RFC 5321 §3.3), none once it ends."""
    if exchange.state_after not in _IN_TRANSACTION:
        return ()
    if exchange.state_before not in _IN_TRANSACTION:
        return parameters_of(exchange)
    return before


def _undo_thrown_away(exchange: Exchange, met: list[str], open_: set[str],
                      seen: dict[str, Seen], text_ahead: bool) -> list[str]:
    """A delivered message keeps its transaction's goals; a transaction thrown away (RSET,
    a new greeting...), or delivered with its text sent before the 354 (``text_ahead``),
    undoes them: ``met``, ``open_`` and ``seen`` change in place."""
    undone: list[str] = []
    if exchange.message is not None and not text_ahead:
        open_.clear()  # the transaction delivered: its goals stay met
    elif exchange.message is not None or _throws_away_transaction(exchange):
        undone = [goal_id for goal_id in met if goal_id in open_]
        met[:] = [goal_id for goal_id in met if goal_id not in open_]
        for goal_id in undone:
            seen.pop(goal_id, None)
        open_.clear()
    return undone


def _tick(lesson: Lesson, exchange: Exchange, context: Context, met: list[str],
          open_: set[str], counts: dict[str, int],
          seen: dict[str, Seen], faced: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The goals ``exchange`` meets (ticked) or brings closer (counted); the lists and maps
    given change in place. A goal with a ``despite`` counts only once an earlier Exchange
    met that failure (``faced``)."""
    ticked: list[str] = []
    counted: list[str] = []
    for goal in lesson.goals:
        if goal.quiz is not None:
            continue  # met by the learner's :answer, never by a reply
        if goal.despite is not None and goal.id not in faced:
            continue
        if not ready(goal, met) or not matches(goal.check, exchange, context):
            continue
        if goal.id in met:
            seen[goal.id] = seen_in(exchange)  # "the same" means as the latest time it held
            continue
        counts[goal.id] = counts.get(goal.id, 0) + 1
        if counts[goal.id] >= goal.count:
            met.append(goal.id)
            ticked.append(goal.id)
            seen[goal.id] = seen_in(exchange)
            if goal.scope is Scope.TRANSACTION and exchange.state_after in _IN_TRANSACTION:
                open_.add(goal.id)
        else:
            counted.append(goal.id)
    return ticked, counted


def ready(goal: Goal, met: list[str] | tuple[str, ...]) -> bool:
    """The steps ``goal`` comes after, and those its check refers to, are met."""
    return all(other in met for other in (*goal.after, *refers_to(goal.check)))


def is_greeting(exchange: Exchange) -> bool:
    """The 220 a new session starts with (any scenario's wording): no client line, code 220."""
    return not exchange.line and exchange.reply.code == 220


def _throws_away_transaction(exchange: Exchange) -> bool:
    if is_greeting(exchange):
        return True  # a new session: whatever was open in the old one is gone
    return (exchange.state_before in _IN_TRANSACTION
            and exchange.state_after in _NO_TRANSACTION)


# -- the checks live in checks.py; these names stay importable from here ------------------

__all__ = ["Answered", "NearMiss", "Progress", "current_goal", "is_complete",
           "is_greeting",
           "matches", "message_matches", "missing_goals", "observe", "verb_of", "with_hint"]
