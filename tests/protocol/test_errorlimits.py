"""Postfix's error limits in the engine: the soft limit delays error replies (an instruction
on the Exchange, never a sleep), junk commands past their limit count, the hard limit closes."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from simulator.protocol import Exchange, Policy, Session, Then
from simulator.protocol.auth import Account
from simulator.protocol.memory import Memory
from tests.dialogue import GREETED, IN_MAIL, codes, keys, send, session_after

SLOW = Policy(error_sleep=1.0)
"""As ``smtp-sim serve`` runs by default: past 10 errors each error reply waits 1 s."""


def guess(password: str) -> str:
    return "AUTH PLAIN " + base64.b64encode(f"\0student\0{password}".encode()).decode()


def delays(exchanges: list[Exchange]) -> list[float]:
    return [exchange.delay for exchange in exchanges]


def test_the_eleventh_error_carries_the_delay_and_the_first_ten_do_not() -> None:
    session = session_after(policy=SLOW)
    exchanges = send(session, *["BOGUS"] * 12)
    assert codes(exchanges) == [500] * 12
    assert delays(exchanges) == [0.0] * 10 + [1.0, 1.0]


def test_a_good_command_after_the_soft_limit_is_not_delayed() -> None:
    session = session_after(*GREETED, policy=SLOW)
    exchanges = send(session, *["BOGUS"] * 11, "MAIL FROM:<a@example.org>", "BOGUS")
    assert keys(exchanges)[-2:] == ["mail.accepted", "syntax.unknown-command"]
    assert delays(exchanges)[-3:] == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("sleep", [0.5, 3.0])
def test_the_delay_is_the_policys_error_sleep_after_its_soft_limit(sleep: float) -> None:
    session = session_after(policy=Policy(error_sleep=sleep, soft_error_limit=2))
    assert delays(send(session, *["BOGUS"] * 4)) == [0.0, 0.0, sleep, sleep]


def test_the_default_policy_never_delays_the_console_and_the_course() -> None:
    session = session_after()
    exchanges = send(session, *["BOGUS"] * 19)
    assert set(delays(exchanges)) == {0.0}


def test_wrong_passwords_are_delayed_after_ten_and_closed_at_twenty() -> None:
    session = session_after(*GREETED, policy=Policy(auth=True, error_sleep=1.0))
    exchanges = send(session, *[guess(f"guess{n}") for n in range(25)])
    assert keys(exchanges) == ["auth.failed"] * 20 + ["session.too-many-errors"]
    assert delays(exchanges) == [0.0] * 10 + [1.0] * 10 + [0.0]
    assert exchanges[-1].then is Then.CLOSE and session.closed


def test_the_hard_limit_is_still_twenty_with_the_delay_on() -> None:
    exchanges = send(session_after(policy=SLOW), *["BOGUS"] * 25)
    assert codes(exchanges) == [500] * 20 + [421]
    assert exchanges[-1].reply.enhanced == "4.7.0"


def test_the_hundred_and_first_noop_counts_as_an_error() -> None:
    session = session_after()
    send(session, *["NOOP"] * 100)
    assert session.errors == 0
    [noop] = send(session, "NOOP")
    assert noop.reply.key == "session.noop"  # still answered 250: it is counted, not refused
    assert session.errors == 1


def test_junk_past_its_limit_is_delayed_then_closed() -> None:
    exchanges = send(session_after(policy=SLOW), *["NOOP"] * 130)
    assert codes(exchanges) == [250] * 120 + [421]
    assert delays(exchanges) == [0.0] * 110 + [1.0] * 10 + [0.0]


@pytest.mark.parametrize("junk", ["RSET", "VRFY bob", "EXPN staff", "HELP", "HELP MAIL", "NOOP"])
def test_each_junk_command_counts(junk: str) -> None:
    session = session_after(policy=Policy(junk_command_limit=3))
    send(session, *[junk] * 5)
    assert session.errors == 2


@pytest.mark.parametrize(("setup", "work"), [
    (GREETED, "EHLO client.example"), (GREETED, "MAIL FROM:<a@example.org>"),
    (IN_MAIL, "RCPT TO:<b@example.net>")])
def test_a_command_between_junk_does_not_start_the_run_over(setup: tuple[bytes, ...],
                                                            work: str) -> None:
    session = session_after(*setup, policy=Policy(junk_command_limit=4))
    exchanges = send(session, "NOOP", "NOOP", "NOOP", work, "RSET", "NOOP")
    assert codes(exchanges) == [250] * 6
    assert session.errors == 1


def test_an_accepted_message_starts_the_junk_run_over() -> None:
    session = session_after(*GREETED, policy=Policy(junk_command_limit=4))
    send(session, *["NOOP"] * 4, "MAIL FROM:<a@example.org>", "RCPT TO:<b@example.net>",
         "DATA", "hello", ".", *["NOOP"] * 4)
    assert session.errors == 0
    send(session, "NOOP")
    assert session.errors == 1


def test_a_junk_limit_of_zero_disables_it() -> None:
    session = session_after(policy=Policy(junk_command_limit=0))
    assert set(codes(send(session, *["NOOP"] * 300))) == {250}
    assert session.errors == 0


def test_an_error_that_is_also_junk_counts_once() -> None:
    session = session_after(policy=Policy(junk_command_limit=1))
    send(session, "HELP NOSUCH", "HELP NOSUCH")  # 504 each; the second is also junk past 1
    assert session.errors == 2


def test_a_hundred_thousand_pipelined_noops_end_at_the_hard_limit() -> None:
    session = session_after()
    exchanges = session.receive_data(b"NOOP\r\n" * 100_000)
    assert len(exchanges) == 121 and exchanges[-1].reply.key == "session.too-many-errors"
    assert session.closed and session.receive_data(b"NOOP\r\n") == []



# -- AUTH failures per client address, across sessions (Postfix's anvil) --------------------

class FakeTimer:
    """The server's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


GUARDED = Policy(auth=True, error_sleep=1.0, auth_failure_limit=3,
                 accounts=(Account("student", "secret"), Account("alice", "web", "app")))
"""serve's error slowdown, with the AUTH failure limit at 3 failures a minute."""


def connect(memory: Memory, timer: FakeTimer, peer: str = "192.0.2.7:40001",
            policy: Policy = GUARDED) -> Session:
    session = Session(policy, peer=peer, memory=memory, timer=timer)
    session.greeting()
    send(session, "EHLO guesser.example")
    return session


def test_a_new_connection_does_not_start_the_auth_failure_count_over() -> None:
    memory, timer = Memory(), FakeTimer()
    first = send(connect(memory, timer), *[guess(f"g{n}") for n in range(3)])
    assert delays(first) == [0.0, 0.0, 0.0]
    again = send(connect(memory, timer, peer="192.0.2.7:40002"), guess("g3"), guess("g4"))
    assert keys(again) == ["auth.failed", "auth.failed"]
    assert delays(again) == [1.0, 1.0]  # the new session's first failure already waits


def test_another_address_is_not_slowed_down_by_a_guesser() -> None:
    memory, timer = Memory(), FakeTimer()
    send(connect(memory, timer), *[guess(f"g{n}") for n in range(5)])
    assert delays(send(connect(memory, timer, peer="198.51.100.9:5000"), guess("typo"))) == [0.0]
    assert keys(send(connect(memory, timer), "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0")) == [
        "auth.succeeded"]  # the guesser's right password is not refused, and not delayed


def test_the_count_forgets_failures_older_than_a_minute() -> None:
    memory, timer = Memory(), FakeTimer()
    send(connect(memory, timer), *[guess(f"g{n}") for n in range(3)])
    timer.now += 59.0
    assert delays(send(connect(memory, timer), guess("g3"))) == [1.0]
    timer.now += 60.0  # all four are now a minute old or more
    assert delays(send(connect(memory, timer), guess("g4"))) == [0.0]


def test_a_right_user_with_the_wrong_kind_of_password_is_a_guess_too() -> None:
    memory, timer = Memory(), FakeTimer()
    alice = "AUTH PLAIN " + base64.b64encode(b"\0alice\0web").decode()
    exchanges = send(connect(memory, timer), *[alice] * 3, guess("g"))
    assert keys(exchanges) == ["auth.app-password-required"] * 3 + ["auth.failed"]
    assert delays(exchanges) == [0.0, 0.0, 0.0, 1.0]


def test_other_errors_are_not_counted_across_sessions() -> None:
    memory, timer = Memory(), FakeTimer()
    send(connect(memory, timer), *["BOGUS"] * 5, "AUTH PLAIN !!!!", "AUTH NOSUCH")
    assert delays(send(connect(memory, timer), guess("g"))) == [0.0]


@pytest.mark.parametrize("policy", [
    dataclasses.replace(GUARDED, auth_failure_limit=0), dataclasses.replace(GUARDED, error_sleep=0)])
def test_no_limit_or_no_sleep_never_delays(policy: Policy) -> None:
    memory, timer = Memory(), FakeTimer()
    send(connect(memory, timer, policy=policy), *[guess(f"g{n}") for n in range(5)])
    assert delays(send(connect(memory, timer, policy=policy), guess("g"))) == [0.0]


def test_without_a_server_memory_each_session_counts_alone() -> None:
    session = session_after(*GREETED, policy=GUARDED)  # the console: no timer, no memory
    assert delays(send(session, *[guess(f"g{n}") for n in range(10)])) == [0.0] * 10
