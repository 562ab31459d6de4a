"""Cross-session memory: greylisting's timing and the bounds of both tables."""

from __future__ import annotations

import pytest

from simulator.protocol import memory as memory_module
from simulator.protocol.memory import Memory

TRIPLET = ("192.0.2.1", "a@b.example", "greylist@example.com")


def wait(memory: Memory, now: float, triplet: tuple[str, str, str] = TRIPLET) -> float:
    return memory.greylist_wait(triplet, now, delay=60, expiry=86400)


def test_first_try_waits_the_delay_a_retry_in_time_passes_and_keeps_passing() -> None:
    memory = Memory()
    assert wait(memory, 0) == 60
    assert wait(memory, 59) == 1  # too early: still refused, the clock is not reset
    assert wait(memory, 60) == 0
    assert wait(memory, 10**6) == 0


def test_a_retry_after_a_day_starts_over() -> None:
    memory = Memory()
    wait(memory, 0)
    assert wait(memory, 86401) == 60
    assert wait(memory, 86461) == 0


def test_triplets_are_separate_and_addresses_case_insensitive() -> None:
    memory = Memory()
    wait(memory, 0)
    assert wait(memory, 61, ("192.0.2.2", "a@b.example", "greylist@example.com")) == 60
    assert wait(memory, 61, ("192.0.2.1", "A@B.EXAMPLE", "Greylist@Example.com")) == 0


def test_the_greylist_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory_module, "MAX_TRIPLETS", 3)
    memory = Memory()
    for n in range(5):
        wait(memory, n, ("192.0.2.1", f"s{n}@b.example", "r@example.com"))
    assert len(memory._first_seen) == 3
    assert wait(memory, 100, ("192.0.2.1", "s0@b.example", "r@example.com")) == 60  # forgotten


def test_messages_are_counted_in_a_sliding_minute_and_the_table_is_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    memory = Memory()
    counts = [memory.count_message("192.0.2.1", t, limit=30) for t in (0, 10, 20, 59.9)]
    assert counts == [1, 2, 3, 4]
    assert memory.count_message("192.0.2.1", 60, limit=30) == 4  # the one at 0 s fell out
    monkeypatch.setattr(memory_module, "MAX_CLIENTS", 2)
    for n in range(4):
        memory.count_message(f"198.51.100.{n}", 61, limit=30)
    assert len(memory._recent) == 2


def test_auth_failures_are_counted_per_address_in_a_sliding_minute_and_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    memory = Memory()
    counts = [memory.count_auth_failure("192.0.2.1", t, limit=10) for t in (0, 30, 59.9)]
    assert counts == [1, 2, 3]
    assert memory.count_auth_failure("192.0.2.2", 60, limit=10) == 1  # another address
    assert memory.count_auth_failure("192.0.2.1", 60, limit=10) == 3  # the one at 0 s fell out
    assert memory.count_message("192.0.2.1", 60, limit=10) == 1  # messages are counted apart
    assert [memory.count_auth_failure("192.0.2.3", 61, limit=2) for _ in range(5)] == [
        1, 2, 3, 3, 3]  # no more than limit + 1 times kept for one address
    monkeypatch.setattr(memory_module, "MAX_CLIENTS", 2)
    for n in range(5):
        memory.count_auth_failure(f"198.51.100.{n}", 62, limit=10)
    assert len(memory._auth_failures) == 2
    assert memory.count_auth_failure("198.51.100.0", 63, limit=10) == 1  # forgotten
