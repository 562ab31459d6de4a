"""The tutor on Exchanges the engine really produced: every check kind, "then" ordering, a goal
met twice, transaction goals undone by RSET (and kept once a message completes them)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from simulator.lessons.course import (
    AddressRef,
    Check,
    Goal,
    Lesson,
    MessageCheck,
    Progress,
    Scope,
    matches,
    observe,
)
from simulator.lessons.course.addresses import scenario_named
from simulator.protocol import Exchange, Policy, Session, State
from tests.lessons.course.sample import lesson

MESSAGE = ["Subject: Hello", "", "Hi Bob.", "..a dotted line", "."]
TRANSACTION = ["EHLO client.example", "MAIL FROM:<alice@example.org>",
               "RCPT TO:<bob@example.net>", "DATA"]


def exchanges(*lines: str, policy: Policy | None = None, eol: bytes = b"\r\n") -> list[Exchange]:
    session = Session(policy)
    out = [session.greeting()]
    for line in lines:
        out += session.receive_data(line.encode() + eol)
    return out


def run(target: Lesson, items: Iterable[Exchange]) -> Progress:
    progress = Progress()
    for exchange in items:
        progress = observe(target, progress, exchange)
    return progress


def last(*lines: str, **kwargs: object) -> Exchange:
    return exchanges(*lines, **kwargs)[-1]  # type: ignore[arg-type]


@pytest.mark.parametrize(("check", "lines", "expected"), [
    (Check(keys=("sequence.rcpt-before-mail",)), ["EHLO c.example", "RCPT TO:<b@x.org>"], True),
    (Check(keys=("sequence.rcpt-before-mail",)), ["EHLO c.example", "MAIL FROM:<a@x.org>"], False),
    (Check(code=503), ["EHLO c.example", "DATA"], True),
    (Check(code=503), ["EHLO c.example"], False),
    (Check(code=250, enhanced="2.1.0"), ["EHLO c.example", "MAIL FROM:<a@x.org>"], True),
    (Check(code=250, enhanced="2.1.5"), ["EHLO c.example", "MAIL FROM:<a@x.org>"], False),
    (Check(verb="EHLO", code=250), ["ehlo c.example"], True),
    (Check(verb="EHLO", code=250), ["HELO c.example"], False),
    (Check(parameter="SIZE"), ["EHLO c.example", "MAIL FROM:<a@x.org> SIZE=10"], True),
    (Check(parameter="SIZE"), ["EHLO c.example", "MAIL FROM:<a@x.org> BODY=8BITMIME"], False),
    (Check(parameter="SMTPUTF8"), ["EHLO c.example", "MAIL FROM:<a@x.org> SMTPUTF8"], True),
    (Check(state_before=State.MAIL, state_after=State.RCPT), TRANSACTION[:3], True),
    (Check(state_before=State.GREETED, state_after=State.RCPT), TRANSACTION[:3], False),
    (Check(min_lines=2), ["EHLO c.example"], True),
    (Check(min_lines=2), ["HELO c.example"], False),
    (Check(closes=True), ["QUIT"], True),
    (Check(closes=True), ["NOOP"], False),
])
def test_each_reply_check(check: Check, lines: list[str], expected: bool) -> None:
    assert matches(check, last(*lines)) is expected


@pytest.mark.parametrize(("check", "body", "expected"), [
    (MessageCheck(header="subject"), MESSAGE, True),
    (MessageCheck(header="From"), MESSAGE, False),
    (MessageCheck(body=True), MESSAGE, True),
    (MessageCheck(body=True), ["Subject: no body", "."], False),
    (MessageCheck(body_line_starts="."), MESSAGE, True),
    (MessageCheck(body_line_starts="."), ["Subject: x", "", ".eaten", "."], False),
    (MessageCheck(body_contains="Hi Bob"), MESSAGE, True),
    (MessageCheck(utf8=True), ["Subject: x", "", "你好", "."], True),
    (MessageCheck(utf8=True), MESSAGE, False),
    (MessageCheck(recipients=1, recipient=AddressRef(literal="BOB@example.net")), MESSAGE, True),
    (MessageCheck(not_recipient=AddressRef(literal="bob@example.net")), MESSAGE, False),
    (MessageCheck(sender_domain="example.org"), MESSAGE, True),
    (MessageCheck(sender_domain="example.com"), MESSAGE, False),
    (MessageCheck(body_type="8BITMIME"), MESSAGE, False),
    (MessageCheck(smtputf8=True), MESSAGE, False),
])
def test_each_message_check(check: MessageCheck, body: list[str], expected: bool) -> None:
    exchange = last(*TRANSACTION, *body)
    assert exchange.message is not None
    assert matches(Check(code=250, message=check), exchange) is expected


def test_a_message_check_needs_an_accepted_message() -> None:
    assert not matches(Check(message=MessageCheck()), last("EHLO c.example"))


def test_the_envelope_flags_are_checked() -> None:
    lines = ["EHLO c.example", "MAIL FROM:<a@x.org> SMTPUTF8 BODY=8BITMIME", "RCPT TO:<b@x.org>",
             "DATA", "Subject: x", "", "text", "."]
    check = Check(message=MessageCheck(smtputf8=True, body_type="8bitmime"))
    assert matches(check, last(*lines))


def test_a_later_step_waits_for_the_one_it_comes_after() -> None:
    first = Goal("mail", Check(code=250, enhanced="2.1.0"))
    then = Goal("helo", Check(verb="EHLO"), after=("mail",))
    target = lesson(first, then)
    early = run(target, exchanges("EHLO c.example", "MAIL FROM:<a@x.org>"))
    assert early.met == ("mail",)
    late = run(target, exchanges("EHLO c.example", "MAIL FROM:<a@x.org>", "EHLO c.example"))
    assert late.met == ("mail", "helo")
    assert late.ticked == ("helo",)


def test_a_goal_met_twice_is_ticked_once() -> None:
    target = lesson(Goal("noop", Check(keys=("session.noop",))), Goal("quit", Check(code=221)))
    progress = Progress()
    ticks = []
    for exchange in exchanges("NOOP", "NOOP", "NOOP"):
        progress = observe(target, progress, exchange)
        ticks.append(progress.ticked)
    assert progress.met == ("noop",)
    assert ticks == [(), ("noop",), (), ()]


def test_a_count_goal_needs_that_many_matches() -> None:
    target = lesson(Goal("three", Check(keys=("session.noop",)), count=3))
    two = run(target, exchanges("NOOP", "NOOP"))
    assert two.met == () and two.counted == ("three",) and two.count("three") == 2
    assert run(target, exchanges("NOOP", "NOOP", "NOOP")).met == ("three",)


def _transaction_lesson() -> Lesson:
    return lesson(Goal("mail", Check(verb="MAIL", code=250), scope=Scope.TRANSACTION),
                  Goal("sent", Check(code=250, message=MessageCheck()), after=("mail",)))


def test_rset_undoes_a_transaction_goal() -> None:
    progress = run(_transaction_lesson(),
                   exchanges("EHLO c.example", "MAIL FROM:<a@x.org>", "RSET"))
    assert progress.met == ()
    assert progress.undone == ("mail",)


def test_a_new_ehlo_undoes_it_too_but_a_refusal_does_not() -> None:
    base = ["EHLO c.example", "MAIL FROM:<a@x.org>"]
    assert run(_transaction_lesson(), exchanges(*base, "MAIL FROM:<a@x.org>")).met == ("mail",)
    assert run(_transaction_lesson(), exchanges(*base, "EHLO c.example")).met == ()


def test_a_delivered_message_keeps_its_transaction_goals() -> None:
    lines = [*TRANSACTION, *MESSAGE, "RSET", "MAIL FROM:<a@x.org>", "RSET"]
    progress = run(_transaction_lesson(), exchanges(*lines))
    assert progress.met == ("mail", "sent")


def test_a_message_after_rset_without_the_goal_again_does_not_count() -> None:
    target = lesson(Goal("size", Check(parameter="SIZE", code=250), scope=Scope.TRANSACTION),
                    Goal("sent", Check(code=250, message=MessageCheck()), after=("size",)))
    lines = ["EHLO c.example", "MAIL FROM:<a@x.org> SIZE=10", "RSET", "MAIL FROM:<a@x.org>",
             "RCPT TO:<b@x.org>", "DATA", *MESSAGE]
    assert run(target, exchanges(*lines)).met == ()


def test_codes_are_collected_once_each_in_order() -> None:
    progress = run(lesson(Goal("x", Check(code=999))),
                   exchanges("EHLO c.example", "DATA", "NOOP", "DATA"))
    assert progress.codes == (220, 250, 503)


def test_bare_lf_lines_reach_the_engine() -> None:
    target = lesson(Goal("lf", Check(keys=("syntax.bare-lf",))))
    assert run(target, exchanges("EHLO c.example", eol=b"\n")).met == ("lf",)


def test_a_message_over_plain_smtp_is_not_over_tls() -> None:
    exchange = last(*TRANSACTION, *MESSAGE)
    assert b"with ESMTP id" in exchange.message.content if exchange.message else False
    assert not matches(Check(message=MessageCheck(tls=True)), exchange)




def test_a_step_despite_a_failure_counts_only_after_that_failure_was_met() -> None:
    """The capstone's kind of step: a 250 for a message ticks it only once the refusal it
    names came earlier in the lesson; the refusal alone ticks nothing."""
    target = lesson(Goal("through", Check(keys=("data.accepted",)),
                         despite=Check(keys=("rcpt.spf-fail",))))
    realistic = Policy(scenario=scenario_named("realistic"))
    delivered = ["EHLO client.example", "MAIL FROM:<carol@example.org>",
                 "RCPT TO:<bob@example.com>", "DATA", *MESSAGE]
    assert run(target, exchanges(*delivered, policy=realistic)).met == ()
    refused = ["EHLO client.example", "MAIL FROM:<a@bank.example>", "RCPT TO:<bob@example.com>"]
    progress = run(target, exchanges(*refused, policy=realistic))
    assert progress.met == () and progress.faced == ("through",) and progress.near is None
    after = run(target, exchanges(*refused, "RSET", *delivered[1:], policy=realistic))
    assert after.met == ("through",)
