"""The referee, the session's side of the rules: the facts it gathers (the client's address
without its port, the Subject: header), the memory shared across sessions and each session's
own seeded draw."""

from __future__ import annotations

import pytest

from simulator.protocol import Policy, Session
from simulator.protocol.memory import Memory
from simulator.protocol.referee import client_address, subject_of
from simulator.protocol.rules import CustomReply, Event, Match, Rule, Scenario
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
