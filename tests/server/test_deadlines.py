"""Time limits (slowloris) and the server's shutdown state, through serve_stream on trio
memory streams and the autojump clock: a command line is timed from its first octet, message
text must keep moving, and at shutdown a stored message's reply gets REPLY_SECONDS. The
console's own session (open_local_session) has no limits unless it is given some."""

from __future__ import annotations

import contextlib

import trio
import trio.testing

from simulator.protocol import Policy, State
from simulator.server import StreamOptions, Timeouts, open_local_session, serve_stream
from simulator.server.deadlines import DATA_SECONDS, REPLY_SECONDS, Stopping
from simulator.server.store import MemoryStore
from tests.replies_reader import ReplyReader, start_message, wire

POLICY = Policy()


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
                                                options=StreamOptions(Timeouts(idle=60))))
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
                                                options=StreamOptions(Timeouts(idle=60))))
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
                                                options=StreamOptions(Timeouts(idle=60))))
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
                                                options=StreamOptions(Timeouts(idle=300))))
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
                                                options=StreamOptions(Timeouts(300, data_block=100))))
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
                                                options=StreamOptions(Timeouts(idle=300))))
        await start_message(client, reader)
        for _ in range(5):  # eight minutes of text, a line every 100 s
            await client.send_all(b"line of text\r\n")
            await trio.sleep(100)
        await client.send_all(b".\r\n")
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        nursery.cancel_scope.cancel()


async def test_stopping_shortens_the_time_of_replies_already_waiting(
        autojump_clock: trio.testing.MockClock) -> None:
    stopping = Stopping()
    waiting = stopping.replying(300.0)
    assert waiting.deadline == trio.current_time() + 300.0
    await trio.sleep(10)
    stopping.stop()
    assert waiting.deadline == trio.current_time() + REPLY_SECONDS
    assert stopping.replying(300.0).deadline == trio.current_time() + REPLY_SECONDS
    stopping.replied(waiting)


async def test_the_console_session_given_an_idle_timeout_closes_with_421(
        autojump_clock: trio.testing.MockClock) -> None:
    async with open_local_session(timeouts=Timeouts(idle=20)) as local:
        reader = ReplyReader(local.client)
        assert await reader.reply() == wire("session.greeting")
        await trio.sleep(15)
        await local.client.send_all(b"EHLO client.example\r\n")  # the 20 s start again
        await reader.reply()
        start = trio.current_time()
        with trio.fail_after(60):  # fails, instead of hanging, when nothing closes it
            assert await reader.reply() == wire("session.timeout")
        assert trio.current_time() - start == 20
        assert await reader.eof()
        keys = [exchange.reply.key async for exchange in local.exchanges]
        assert keys == ["session.greeting", "session.ehlo", "session.timeout"]
        assert local.session.state is State.CLOSED


async def test_the_console_session_waits_for_the_learner_by_default(
        autojump_clock: trio.testing.MockClock) -> None:
    async with open_local_session() as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        await trio.sleep(7 * 24 * 3600)  # a week of silence
        await local.client.send_all(b"NOOP\r\n")
        assert await reader.reply() == wire("session.noop")
