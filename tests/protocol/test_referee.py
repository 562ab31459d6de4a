"""The referee, the session's side of the rules: the facts it gathers (the client's address
without its port, the Subject: header), the memory shared across sessions and each session's
own seeded draw."""

from __future__ import annotations

import ast
import dataclasses

import pytest

from simulator.protocol import Policy, RcptTo, Session, Verb
from simulator.protocol.memory import Memory
from simulator.protocol.referee import Referee, SessionFacts, client_address, subject_of
from simulator.protocol.rules import CustomReply, Event, Match, Rule, Scenario
from tests import ROOT
from tests.dialogue import keys, send


@pytest.mark.parametrize(("peer", "address"), [
    ("192.0.2.1:4321", "192.0.2.1"),
    ("[2001:db8::1]:4321", "2001:db8::1"),
    ("2001:db8::1", "2001:db8::1"),
    ("localhost", "localhost"),
    ("host:port", "host:port"),
])
def test_the_client_address_drops_only_a_port(peer: str, address: str) -> None:
    assert client_address(peer) == address


def test_the_subject_is_unfolded_and_only_read_from_the_header() -> None:
    assert subject_of(b"From: a@b\r\nSubject: cheap\r\n\t[SPAM]\r\nTo: c@d\r\n\r\nx") == "cheap\t[SPAM]"
    assert subject_of(b"sUbJeCt:  hi \r\n\r\n") == "hi"
    assert subject_of(b"From: a@b\r\n\r\nSubject: in the body") is None
    assert subject_of(b"Subject: \xe4\xbd\xa0\xe5\xa5\xbd\r\n\r\n") == "你好"


def test_rate_limit_counts_per_client_address_across_sessions() -> None:
    limit = Rule("rate", Event.MAIL, Match(rate_limited=True), "limits.message-rate")
    memory, now = Memory(), [0.0]
    scenario = Scenario("test", rules=(limit,), rate_limit=2)

    def one(peer: str) -> list[str]:
        s = Session(Policy(scenario=scenario), peer=peer, memory=memory, timer=lambda: now[0])
        s.greeting()
        return keys(send(s, "EHLO c.example", "MAIL FROM:<a@b.example>"))[1:]

    assert one("192.0.2.1:1000") + one("192.0.2.1:1001") == ["mail.accepted"] * 2
    assert one("192.0.2.1:1002") == ["limits.message-rate"]
    assert one("198.51.100.7:1000") == ["mail.accepted"]
    now[0] = 60.0
    assert one("192.0.2.1:1003") == ["mail.accepted"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fault_draw_is_replayed_by_the_seed(seed: int) -> None:
    fault = Rule("fault", Event.ANY, Match(fault=True), CustomReply(451, "4.3.0", "Oops"))
    scenario = Scenario("chaos", rules=(fault,), fault_rate=0.3, seed=seed)

    def run(session_id: str) -> list[str]:
        return keys(send(Session(Policy(scenario=scenario), session_id=session_id),
                         *["NOOP"] * 50))

    assert run("S1") == run("S1")
    assert run("S1") != run("S2")  # each session draws its own faults


# -- facts in, decisions out: the referee never sees the Session --------------------------

DENY = Rule("deny", Event.RCPT, reply="rcpt.relay-denied")
FACTS = SessionFacts("192.0.2.1:4000", "c.example", "a@b.example", ("ok@d.example",), None)


def referee(*rules: Rule, hostname: str = "mx.school.example") -> Referee:
    policy = Policy(hostname=hostname, scenario=Scenario("test", rules=rules))
    return Referee(policy, session_id="S1", memory=None, timer=None, rng=None)


def test_the_referee_decides_from_the_facts_it_is_handed() -> None:
    decision = referee(DENY).at_command(FACTS, Verb.RCPT, "TO:<x@far.example>",
                                        RcptTo("x@far.example"))
    assert decision is not None and decision.reply is not None
    assert decision.reply.key == "rcpt.relay-denied"
    assert decision.reply.fact("host") == "mx.school.example"
    assert decision.reply.fact("path") == "x@far.example"


def test_the_greeting_comes_back_as_a_reply_and_a_decision() -> None:
    refuse = Rule("closed", Event.CONNECT, reply=CustomReply(554, "5.3.2", "No service"))
    reply, decision = referee(refuse).greeting(FACTS)
    assert (reply.code, reply.key) == (554, "rule.closed")
    assert decision is not None and decision.close  # a refusal at connect always closes
    reply, decision = referee(DENY).greeting(FACTS)
    assert (reply.key, decision) == ("session.greeting-scenario", None)


def test_the_facts_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        FACTS.helo = "evil.example"  # type: ignore[misc]
    assert not FACTS.authenticated
    assert dataclasses.replace(FACTS, user="alice").authenticated


def test_the_session_hands_the_referee_what_it_knows() -> None:
    seen: list[SessionFacts] = []
    rule = Rule("note", Event.DATA, reply=None, delay=(0.5, 0.5))
    session = Session(Policy(scenario=Scenario("test", rules=(rule,))), peer="192.0.2.9:1")
    session.greeting()
    assert session.referee is not None
    at_command = session.referee.at_command

    def spy(facts: SessionFacts, *args: object) -> object:
        seen.append(facts)
        return at_command(facts, *args)  # type: ignore[arg-type]

    session.referee.at_command = spy  # type: ignore[method-assign]
    send(session, "EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA")
    assert seen[-1] == SessionFacts("192.0.2.9:1", "c.example", "a@b.example",
                                    ("c@d.example",), None)


def test_the_referee_module_does_not_import_the_session() -> None:
    tree = ast.parse((ROOT / "simulator" / "protocol" / "referee.py").read_text("utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "session" not in imported and "simulator.protocol.session" not in imported
