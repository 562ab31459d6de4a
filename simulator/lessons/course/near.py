"""Near misses: a reply that carries a step's code or key family but does not count.

The learner who gets 250 and no tick wonders what went wrong; the tutor names the condition
that failed (another reply of the same family, the wrong address, not the same command, a
step still to do first) so the face can say why in one sentence and what would count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.protocol import Exchange

from .addresses import address_of
from .checks import Context, first_failure, refers_to, verb_of
from .model import Check, Goal, Lesson


@dataclass(frozen=True, slots=True)
class NearMiss:
    """Why the last reply did not count for ``goal``.

    ``reason`` is the failed condition: ``key``, ``code``, ``enhanced``, ``verb``, ``same``,
    ``address``, ``parameter``, ``without`` (a parameter in force that must not be),
    ``state``, ``lines``, ``closes``, ``pipelined``, ``waited`` (sent with more behind it),
    ``group`` (sent on its own, not as the end of a group), ``alone`` (the other way round),
    ``host`` (another server answered), or ``after`` (it would
    have counted, but step ``expected`` is not met yet). ``got`` is what the learner's command
    held (its verb or address), ``expected`` what would count.
    """

    goal: str
    reason: str
    code: int
    key: str
    got: str = ""
    expected: str = ""


def _family(key: str) -> str:
    return key.partition(".")[0]


def is_near(check: Check, exchange: Exchange) -> bool:
    """The reply is of the kind the check waits for: its code, with a key of the same family
    when the check names keys (a 250 to HELO is near a check for EHLO's 250; a 250 to MAIL
    is not near a check for the message's 250)."""
    reply = exchange.reply
    families = {_family(key) for key in check.keys}
    if families and _family(reply.key) not in families:
        return False
    return check.code is None or reply.code == check.code


def near_miss(lesson: Lesson, met: Sequence[str], exchange: Exchange,
              context: Context) -> NearMiss | None:
    """Why ``exchange`` nearly met a step and did not (None when it was not near one)."""
    if not exchange.line:
        return None  # a greeting, a timeout: nothing the learner did
    unmet = [goal for goal in lesson.goals if goal.id not in met and goal.quiz is None]
    for goal in unmet:
        if first_failure(goal.check, exchange, context) is None:
            waiting = next((other for other in (*goal.after, *refers_to(goal.check))
                            if other not in met), None)
            if waiting is None:
                return None  # a failure it comes ``despite`` not met yet: no giveaway
            return _note(goal, "after", exchange, context, expected=waiting)
    if not unmet or not is_near(unmet[0].check, exchange):
        return None
    goal = unmet[0]
    reason = first_failure(goal.check, exchange, context)
    if reason is None or reason == "message":
        return None  # a message that met no step: the face says so in its own words
    return _note(goal, reason, exchange, context,
                 expected=_expected(goal.check, reason, context))


def _note(goal: Goal, reason: str, exchange: Exchange, context: Context, *,
          expected: str) -> NearMiss:
    got = (address_of(exchange) if reason == "address" else context.host if reason == "host"
           else verb_of(exchange))
    return NearMiss(goal.id, reason, exchange.reply.code, exchange.reply.key, got or "",
                    expected)


def _expected(check: Check, reason: str, context: Context) -> str:
    """What would have counted, for the sentence: a verb, an address, a class, a parameter."""
    if reason == "same" and check.same:
        seen = context.seen.get(check.same)
        return seen.verb if seen else ""
    if reason == "address" and check.address is not None:
        ref = check.address
        if ref.step:
            seen = context.seen.get(ref.step)
            return seen.address or "" if seen else ""
        return ref.literal or f"class:{ref.kind}"
    expected = {
        "key": " / ".join(check.keys),
        "code": str(check.code or ""),
        "enhanced": check.enhanced or "",
        "verb": check.verb or "",
        "parameter": check.parameter or "",
        "without": check.without or "",
        "host": check.host or "",
    }
    return expected.get(reason, "")
