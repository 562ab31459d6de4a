"""The judge on sessions made by the engine itself, with the driver's ``sent_ahead`` flag
set as a watching driver would: each item's verdict and the exchange that shows it."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.lessons.course.setup import policy_for
from simulator.lessons.grading import Session, Verdict, default_rubric, judge, parse_rubric
from simulator.lessons.grading.model import Rubric
from simulator.protocol import Exchange, Policy, State
from simulator.protocol import Session as Engine
from simulator.protocol.replies import make_reply

GOOD = [b"EHLO me.example\r\n", b"MAIL FROM:<alice@example.org>\r\n",
        b"RCPT TO:<bob@example.com>\r\n", b"DATA\r\n",
        b"Subject: hi\r\n\r\n..this line begins with a dot, so it is sent as two\r\n.\r\n",
        b"QUIT\r\n"]


def session(chunks: list[bytes], *, ahead: frozenset[int] = frozenset(),
            policy: Policy | None = None, greeting_ahead: bool = False) -> Session:
    """The engine's Exchanges for ``chunks``; those whose index (greeting = 0) is in
    ``ahead`` marked as a watching driver marks a reply the client did not wait for."""
    engine = Engine(policy or Policy())
    exchanges = [engine.greeting()]
    for chunk in chunks:
        exchanges += engine.receive_data(chunk)
    marked = [dataclasses.replace(e, sent_ahead=True) if i in ahead else e
              for i, e in enumerate(exchanges)]
    if greeting_ahead:
        marked[0] = dataclasses.replace(marked[0], sent_ahead=True)
    return Session("S1", "127.0.0.1:4000", tuple(marked))


def verdict(item: str, *sessions: Session, rubric: Rubric | None = None
            ) -> tuple[Verdict, Exchange | None]:
    grade = judge(rubric or default_rubric(), sessions)
    result = next(r for r in grade.results if r.item.id == item)
    return result.verdict, result.evidence


def test_a_good_session_passes_the_basic_rubric() -> None:
    grade = judge(default_rubric(), [session(GOOD)])
    assert grade.passed and grade.score == grade.rubric.max_points == 100
    assert {r.verdict for r in grade.results if r.item.id != "stops-on-5xx"} == {
        Verdict.PASSED}


def test_no_session_at_all_fails_and_scores_nothing_but_situational_items() -> None:
    grade = judge(default_rubric(), [])
    assert not grade.passed
    assert grade.score == 5  # stops-on-5xx: no refusal happened
    assert verdict("message-accepted")[0] is Verdict.FAILED


def test_bare_lf_shows_the_line() -> None:
    found, evidence = verdict("crlf", session([b"EHLO me.example\n", *GOOD[1:]]))
    assert found is Verdict.FAILED and evidence is not None
    assert evidence.reply.key == "syntax.bare-lf"


def test_talking_before_the_greeting() -> None:
    found, evidence = verdict("waits-for-greeting", session(GOOD, greeting_ahead=True))
    assert found is Verdict.FAILED and evidence is not None and evidence.line == GOOD[0]


def test_waiting_for_replies_unless_pipelining_allows_it() -> None:
    # MAIL (index 2) sent with RCPT before its reply: allowed after EHLO's PIPELINING
    assert verdict("waits-for-replies", session(GOOD, ahead=frozenset({2})))[0] is (
        Verdict.PASSED)
    helo = [b"HELO me.example\r\n", *GOOD[1:]]
    found, evidence = verdict("waits-for-replies", session(helo, ahead=frozenset({2})))
    assert found is Verdict.FAILED and evidence is not None and evidence.line == GOOD[2]
    # EHLO must end a group even with PIPELINING (RFC 2920 §3.1)
    assert verdict("waits-for-replies", session(GOOD, ahead=frozenset({1})))[0] is (
        Verdict.FAILED)


def test_data_and_quit_have_their_own_items() -> None:
    early = session(GOOD, ahead=frozenset({4, 6}))
    assert verdict("waits-for-354", early)[0] is Verdict.FAILED
    assert verdict("waits-for-221", early)[0] is Verdict.FAILED
    assert verdict("waits-for-replies", early)[0] is Verdict.PASSED


def test_dot_stuffing_and_the_end_of_data() -> None:
    unstuffed = [*GOOD[:4], b"Subject: hi\r\n\r\n.this line begins with a dot, so it is sent"
                 b" as two\r\n.\r\n", GOOD[5]]
    found, evidence = verdict("dot-stuffing", session(unstuffed))
    assert found is Verdict.FAILED and evidence is not None and evidence.message is not None
    never_ended = session([*GOOD[:4], b"Subject: hi\r\n\r\nno end\r\n"])
    assert verdict("ends-data", never_ended)[0] is Verdict.FAILED
    assert verdict("quits", never_ended)[0] is Verdict.FAILED
    assert verdict("dot-stuffing", never_ended)[0] is Verdict.NOT_APPLICABLE


def test_no_brackets_and_data_after_every_recipient_refused() -> None:
    bad = session([GOOD[0], b"MAIL FROM: alice@example.org\r\n",
                   b"RCPT TO:<bob@example.com>\r\n", b"DATA\r\n", b"QUIT\r\n"])
    assert verdict("angle-brackets", bad)[0] is Verdict.FAILED
    rubric = parse_rubric("t.toml", RUBRIC.format(scenario="realistic", items=ITEM))
    refused = session([GOOD[0], GOOD[1], b"RCPT TO:<nobody@example.com>\r\n", b"DATA\r\n",
                       b"QUIT\r\n"], policy=policy_for(rubric.setup))
    found, evidence = verdict("stops-on-5xx", refused, rubric=rubric)
    assert found is Verdict.FAILED and evidence is not None and evidence.line == b"DATA\r\n"
    stopped = session([GOOD[0], GOOD[1], b"RCPT TO:<nobody@example.com>\r\n", b"QUIT\r\n"],
                      policy=policy_for(rubric.setup))
    assert verdict("stops-on-5xx", stopped, rubric=rubric)[0] is Verdict.PASSED


def test_a_temporary_refusal_must_be_retried_until_taken() -> None:
    rubric = parse_rubric("t.toml", RUBRIC.format(
        scenario="realistic", items='[[items]]\nid = "handles-4xx"\n'))
    first = session([GOOD[0], GOOD[1], b"RCPT TO:<busy@example.com>\r\n", b"QUIT\r\n"],
                    policy=policy_for(rubric.setup))
    found, evidence = verdict("handles-4xx", first, rubric=rubric)
    assert found is Verdict.FAILED and evidence is not None
    assert evidence.reply.key == "rcpt.mailbox-busy"
    later = session([GOOD[0], GOOD[1], b"RCPT TO:<Busy@example.com>\r\n"])  # taken now
    assert verdict("handles-4xx", first, later, rubric=rubric)[0] is Verdict.PASSED
    assert verdict("handles-4xx", session(GOOD), rubric=rubric)[0] is Verdict.NOT_APPLICABLE



def _timed(chunks: list[bytes], times: list[float], policy: Policy, sid: str = "S1") -> Session:
    """The engine's Exchanges for ``chunks``, each stamped as the driver stamps them."""
    engine = Engine(policy)
    exchanges = [engine.greeting()]
    for chunk in chunks:
        exchanges += engine.receive_data(chunk)
    return Session(sid, "127.0.0.1:4000", tuple(exchanges), tuple(times))


GREYLIST = '[setup]\nscenario = "realistic"\ngreylist_delay = 5\n'


@pytest.mark.parametrize(("retried_after", "found"), [
    (0.01, Verdict.FAILED), (4.9, Verdict.FAILED), (5.0, Verdict.PASSED), (7.0, Verdict.PASSED),
])
def test_a_greylisted_recipient_is_judged_on_when_it_was_first_retried(
        retried_after: float, found: Verdict) -> None:
    rubric = parse_rubric("t.toml", RUBRIC.format(
        scenario="realistic", items='[[items]]\nid = "handles-4xx"\n').replace(
        '[setup]\nscenario = "realistic"\n', GREYLIST))
    policy = policy_for(rubric.setup)
    grey = [GOOD[0], GOOD[1], b"RCPT TO:<greylist@example.com>\r\n", b"QUIT\r\n"]
    first = _timed(grey, [0.0, 0.1, 0.2, 0.3, 0.4], policy)
    # a retry at once (still refused), then one after the delay (taken): the first decides
    early = _timed(grey, [0.5, 0.5, 0.5, 0.3 + retried_after, 0.6 + retried_after],
                   policy, "S2")
    late = session([GOOD[0], GOOD[1], b"RCPT TO:<greylist@example.com>\r\n"])  # taken
    got, evidence = verdict("handles-4xx", first, early, late, rubric=rubric)
    assert got is found
    if found is Verdict.FAILED:
        assert evidence is not None and evidence.line == grey[2]
    # without times (a recording that has none) only the retry itself is judged
    untimed = Session("S2", "p", early.exchanges)
    assert verdict("handles-4xx", first, untimed, late, rubric=rubric)[0] is Verdict.PASSED


def test_after_a_421_the_program_must_deliver_in_a_new_session() -> None:
    rubric = parse_rubric("t.toml", RUBRIC.format(
        scenario="strict", items='[[items]]\nid = "handles-421"\npoints = 10\n'))
    closed = dataclasses.replace(session(GOOD[:2]), exchanges=(
        *session(GOOD[:1]).exchanges,
        dataclasses.replace(session(GOOD[:2]).exchanges[-1], reply=make_reply(
            "fault.closing", host="mx"), state_after=State.CLOSED)))
    found, evidence = verdict("handles-421", closed, rubric=rubric)
    assert found is Verdict.FAILED and evidence is not None
    assert evidence.reply.key == "fault.closing"
    again = dataclasses.replace(session(GOOD), id="S2")
    assert verdict("handles-421", closed, again, rubric=rubric)[0] is Verdict.PASSED
    assert verdict("handles-421", again, closed, rubric=rubric)[0] is Verdict.FAILED
    grade = judge(rubric, [session(GOOD)])
    assert grade.results[0].verdict is Verdict.NOT_APPLICABLE and grade.score == 10

RUBRIC = """
en.title = "T"
zh.title = "T"
[setup]
scenario = "{scenario}"
{items}
"""
ITEM = '[[items]]\nid = "stops-on-5xx"\npoints = 5\n'
CUSTOM = """
[[items]]
id = "subject"
points = 3
required = false
seen = { message = { header = "Subject" } }
en.title = "A subject"
en.fix = "Write one."
zh.title = "主题"
zh.fix = "写一个。"
"""


def test_custom_items_in_the_check_language() -> None:
    rubric = parse_rubric("t.toml", RUBRIC.format(scenario="strict", items=CUSTOM))
    assert judge(rubric, [session(GOOD)]).score == 3
    no_subject = [*GOOD[:4], b"\r\nbody\r\n.\r\n", GOOD[5]]
    grade = judge(rubric, [session(no_subject)])
    assert grade.score == 0 and grade.passed  # not required
    assert grade.results[0].verdict is Verdict.FAILED


def test_starttls_and_auth_apply_only_when_the_rubric_asks() -> None:
    rubric = parse_rubric("t.toml", RUBRIC.format(
        scenario="strict", items='[[items]]\nid = "starttls"\n[[items]]\nid = "auth"\n'))
    grade = judge(rubric, [session(GOOD)])
    assert {r.verdict for r in grade.results} == {Verdict.NOT_APPLICABLE}


def test_starttls_then_auth_passes_and_auth_in_the_clear_fails() -> None:
    rubric = parse_rubric("t.toml", RUBRIC.format(
        scenario="strict", items='[[items]]\nid = "starttls"\n[[items]]\nid = "auth"\n'
    ).replace('[setup]\n', '[setup]\ntls = "offered"\nauth = [{ user = "student", '
              'password = "secret" }]\n'))
    engine = Engine(policy_for(rubric.setup), tls_available=True)
    exchanges = [engine.greeting(), *engine.receive_data(b"EHLO me.example\r\nSTARTTLS\r\n")]
    engine.tls_started()  # the driver's handshake
    exchanges += engine.receive_data(b"EHLO me.example\r\nAUTH PLAIN AHN0dWRlbnQAc2VjcmV0\r\n")
    assert exchanges[-1].reply.key == "auth.succeeded"
    upgraded = Session("S1", "p", tuple(exchanges))
    assert {r.verdict for r in judge(rubric, [upgraded]).results} == {Verdict.PASSED}
    clear = session([b"EHLO me.example\r\n", b"MAIL FROM:<a@example.org>\r\n"],
                    policy=policy_for(rubric.setup))
    grade = judge(rubric, [clear])
    assert [r.verdict for r in grade.results] == [Verdict.FAILED, Verdict.FAILED]
