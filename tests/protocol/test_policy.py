"""A server's default policy is the RFC's: at least 100 recipients, a 20-error budget, SIZE
advertised, nothing offered that was not switched on; one Policy serves many sessions."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.protocol import Policy, Session, State
from tests.dialogue import IN_MAIL, codes, send, session_after


def test_first_100_recipients_accepted_then_452() -> None:
    session = session_after(*IN_MAIL)
    exchanges = send(session, *[f"RCPT TO:<u{i}@example.net>" for i in range(102)])
    assert codes(exchanges) == [250] * 100 + [452, 452]
    assert exchanges[100].reply.enhanced == "4.5.3"
    assert len(session.recipients) == 100 and session.state is State.RCPT


def test_default_error_budget_is_20() -> None:
    session = session_after()
    exchanges = send(session, *["X"] * 25)
    assert codes(exchanges) == [500] * 20 + [421]


def test_the_default_server_names_itself_and_offers_only_plain_esmtp() -> None:
    session = Session()
    assert session.greeting().reply.text.startswith("smtp-sim.localhost ESMTP")
    lines = send(session, "EHLO c.example")[0].reply.wire_lines()
    assert "250-SIZE 10485760" in lines
    assert not any("STARTTLS" in line or "AUTH" in line for line in lines)


def test_a_policy_is_immutable_and_shared_by_its_sessions() -> None:
    policy = Policy(max_recipients=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.max_recipients = 5  # type: ignore[misc]
    first, second = Session(policy), Session(policy)
    for session in (first, second):
        session.greeting()
        assert codes(send(session, "EHLO c.example", "MAIL FROM:<>", "RCPT TO:<a@b.example>",
                          "RCPT TO:<c@d.example>"))[-2:] == [250, 452]
