"""The conversation loop: every client bounded in time, and a stored message's 250 goes out
whatever else happens.

A client that trickles its input (slowloris) must not hold its connection slot for ever: a
command line is timed from its first octet, message text must keep arriving. Once the store
holds a message, a client that reads 421 instead of 250 sends the message again: a
duplicate. These tests put shutdown, the deadlines and a client that never reads right in
the middle of a store, over trio memory streams, on the autojump clock where time matters.
"""

from __future__ import annotations

import contextlib
import logging
import threading

import pytest
import trio
import trio.testing

from simulator.protocol import Policy, ReceivedMessage
from simulator.server import serve_stream
from simulator.server.deadlines import DATA_SECONDS, REPLY_SECONDS
from simulator.server.store import MemoryStore
from tests.replies_reader import TEXT, ReplyReader, start_message, wire

POLICY = Policy()
GUARD = 15.0
"""Real seconds a worker thread waits at most for the test (a hang guard, not a timing check)."""


class GatedStore(MemoryStore):
    """A store that blocks, like a Maildir on a slow disk, until the test lets it finish."""

    blocking = True

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def deliver(self, message: ReceivedMessage) -> str:
        self.entered.set()
        self.release.wait(GUARD)
        return super().deliver(message)

    async def wait_until_storing(self) -> None:
        assert await trio.to_thread.run_sync(self.entered.wait, GUARD)


async def test_shutdown_during_the_store_still_sends_the_250_first() -> None:
    store = GatedStore()
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store))
        await start_message(client, reader)
        await client.send_all(TEXT)
        await store.wait_until_storing()
        nursery.cancel_scope.cancel()  # Ctrl-C while the message is being written
        store.release.set()
    assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
    assert await reader.reply() == wire("session.shutdown")
    assert await reader.eof()
    assert len(store.messages()) == 1


async def test_time_spent_storing_is_not_idle_time(
        autojump_clock: trio.testing.MockClock) -> None:
    store = GatedStore()
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store,
                                                idle_timeout=60))
        await start_message(client, reader)
        await client.send_all(TEXT)
        await store.wait_until_storing()
        await trio.sleep(150)  # the server, not the client, is busy: two idle timeouts long
        store.release.set()
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        await client.send_all(b"NOOP\r\n")
        assert await reader.reply() == wire("session.noop")
        nursery.cancel_scope.cancel()
    assert len(store.messages()) == 1


async def test_the_idle_deadline_starts_again_after_a_message(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                idle_timeout=60))
        await start_message(client, reader)
        await client.send_all(TEXT)
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        start = trio.current_time()
        assert await reader.reply() == wire("session.timeout")
        assert trio.current_time() - start >= 60
        assert await reader.eof()


async def test_a_client_that_never_takes_its_250_is_let_go(
        autojump_clock: trio.testing.MockClock, caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore()
    client, server = trio.testing.lockstep_stream_pair()  # a send waits for the reader
    reader = ReplyReader(client)
    with caplog.at_level(logging.WARNING), trio.fail_after(10 * REPLY_SECONDS):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store))
            await start_message(client, reader)
            await client.send_all(TEXT)
            nursery.cancel_scope.cancel()  # shutdown waits for the 250, but not forever
    assert "S1 (memory): reply to a stored message not taken in time; disconnected" in caplog.text
    assert len(store.messages()) == 1


async def test_a_slow_reader_gets_its_250_within_the_idle_timeout(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.lockstep_stream_pair()  # a send waits for the reader
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                idle_timeout=60))
        await start_message(client, reader)
        await client.send_all(TEXT)
        await trio.sleep(20 * REPLY_SECONDS)  # a pipelining client busy elsewhere
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        assert await client.send_all(b"QUIT\r\n") is None
        assert await reader.reply() == wire("session.quit")


async def test_a_reader_slower_than_the_idle_timeout_is_let_go(
        autojump_clock: trio.testing.MockClock, caplog: pytest.LogCaptureFixture) -> None:
    client, server = trio.testing.lockstep_stream_pair()
    reader = ReplyReader(client)
    store = MemoryStore()
    with caplog.at_level(logging.WARNING):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store,
                                                    idle_timeout=60))
            await start_message(client, reader)
            await client.send_all(TEXT)
            await trio.sleep(61)
            while await client.receive_some():  # what the cancelled send left, then the close
                pass
    assert "reply to a stored message not taken in time" in caplog.text
    assert len(store.messages()) == 1


# -- time limits: slowloris ---------------------------------------------------------------

async def trickle(client: trio.abc.Stream, data: bytes, every: float) -> None:
    """Send ``data`` one octet at a time, ``every`` seconds apart (until the server closes)."""
    with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
        for octet in data:
            await client.send_all(bytes([octet]))
            await trio.sleep(every)


async def test_a_command_line_trickled_in_is_timed_from_its_first_octet(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                idle_timeout=60))
        assert await reader.reply() == wire("session.greeting")
        await trio.sleep(50)  # silence first: the line's time starts at its first octet
        start = trio.current_time()
        nursery.start_soon(trickle, client, b"NOOP " + b"x" * 200 + b"\r\n", 1.0)
        assert await reader.reply() == wire("session.too-slow")
        assert 60 <= trio.current_time() - start < 62
        assert await reader.eof()
        nursery.cancel_scope.cancel()


async def test_an_over_long_line_trickled_in_is_timed_too(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                idle_timeout=60))
        assert await reader.reply() == wire("session.greeting")
        await client.send_all(b"x" * 600)  # past 512: the server is discarding this line
        nursery.start_soon(trickle, client, b"y" * 200, 1.0)
        assert await reader.reply() == wire("session.too-slow")
        nursery.cancel_scope.cancel()


async def test_lines_typed_slowly_but_each_within_the_timeout_are_fine(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                idle_timeout=60))
        assert await reader.reply() == wire("session.greeting")
        for _ in range(3):  # 50 s per line, silence between: three minutes in all
            await trickle(client, b"NOOP\r\n", 10.0)
            assert await reader.reply() == wire("session.noop")
        nursery.cancel_scope.cancel()


async def test_message_text_trickled_in_is_cut_off_after_the_data_timeout(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    store = MemoryStore()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store,
                                                idle_timeout=300))
        await start_message(client, reader)  # the 354 is read: the text's ten minutes run
        start = trio.current_time()
        nursery.start_soon(trickle, client, b"z" * 100 + b"\r\n.\r\n", 120.0)
        assert await reader.reply() == wire("session.too-slow")
        assert DATA_SECONDS <= trio.current_time() - start < DATA_SECONDS + 1
        nursery.cancel_scope.cancel()
    assert store.messages() == []


async def test_message_text_that_stops_arriving_times_out_after_the_block_timeout(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                idle_timeout=300, data_block_timeout=100))
        await start_message(client, reader)
        await client.send_all(b"Subject: hi\r\n")
        start = trio.current_time()
        assert await reader.reply() == wire("session.timeout")
        assert 100 <= trio.current_time() - start < 102
        nursery.cancel_scope.cancel()


async def test_message_text_that_keeps_moving_is_accepted(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                idle_timeout=300))
        await start_message(client, reader)
        for _ in range(5):  # eight minutes of text, a line every 100 s
            await client.send_all(b"line of text\r\n")
            await trio.sleep(100)
        await client.send_all(b".\r\n")
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        nursery.cancel_scope.cancel()
