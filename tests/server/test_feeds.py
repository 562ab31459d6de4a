"""Where a session's Exchanges go: offered to a watcher, never waiting for it."""

from __future__ import annotations

import trio

from simulator.protocol import Session
from simulator.server.feeds import ignore, offer, publisher


def test_an_exchange_goes_onto_the_feed() -> None:
    send, receive = trio.open_memory_channel[object](1)
    greeting = Session().greeting()
    publisher(send)(greeting)
    assert receive.receive_nowait() is greeting


def test_a_full_feed_drops_the_exchange_instead_of_waiting() -> None:
    send, receive = trio.open_memory_channel[int](1)
    assert offer(send, 1) is True
    assert offer(send, 2) is False
    assert receive.receive_nowait() == 1


def test_a_feed_nobody_reads_any_more_is_ignored() -> None:
    send, receive = trio.open_memory_channel[int](1)
    receive.close()
    assert offer(send, 1) is False
    send.close()
    assert offer(send, 1) is False


def test_no_feed_publishes_nothing() -> None:
    assert publisher(None) is ignore
    ignore(Session().greeting())  # takes the Exchange and keeps nothing
