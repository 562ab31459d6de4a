"""serve_stream and open_local_session over trio memory streams: no sockets, virtual time."""

from __future__ import annotations

import errno
import logging
import math
import os
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import pytest
import trio
import trio.testing

from simulator.protocol import Exchange, Policy, ReceivedMessage, Session, State
from simulator.server import (
    LocalSession,
    StreamOptions,
    Timeouts,
    open_local_session,
    serve_stream,
)
from simulator.server.store import MaildirStore, MemoryStore, Usage
from tests.replies_reader import TEXT, TRANSACTION, ReplyReader, start_message, wire

POLICY = Policy()


class Served:
    """The client's view of one serve_stream session, plus what the server recorded."""

    def __init__(self, client: trio.abc.Stream, feed: trio.MemoryReceiveChannel[Exchange],
                 store: MemoryStore) -> None:
        self.client = client
        self.reader = ReplyReader(client)
        self.feed = feed
        self.store = store

    async def send(self, data: bytes) -> bytes:
        await self.client.send_all(data)
        return await self.reader.reply()

    def exchanges(self) -> list[Exchange]:
        out: list[Exchange] = []
        while True:
            try:
                out.append(self.feed.receive_nowait())
            except (trio.WouldBlock, trio.EndOfChannel):
                return out


@asynccontextmanager
async def served(*, store: MemoryStore | None = None, idle_timeout: float | None = None,
                 policy: Policy = POLICY, session: Session | None = None,
                 ) -> AsyncIterator[Served]:
    client, server = trio.testing.memory_stream_pair()
    send, receive = trio.open_memory_channel[Exchange](math.inf)
    store = MemoryStore() if store is None else store
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=policy, store=store, feed=send,
                                                options=StreamOptions(Timeouts(idle=idle_timeout)),
                                                session=session))
        yield Served(client, receive, store)
        nursery.cancel_scope.cancel()


async def transact(served: Served) -> bytes:
    """Greeting, EHLO, MAIL, RCPT, DATA, text: the reply to the final dot."""
    assert await served.reader.reply() == wire("session.greeting")
    for line in TRANSACTION:
        await served.send(line)
    return await served.send(TEXT)


async def test_greeting_comes_first() -> None:
    async with served() as s:
        assert await s.reader.reply() == wire("session.greeting")


async def test_full_transaction_stores_the_message_before_250() -> None:
    async with served() as s:
        assert await transact(s) == wire("data.accepted", queue_id="S1-1")
        [stored] = s.store.messages()
        assert stored.message.envelope.sender == "ann@example.org"
        assert stored.message.envelope.recipients == ("bob@example.net",)
        assert stored.message.content.endswith(b"Subject: hi\r\n\r\nhello\r\n")
        assert stored.message.content.startswith(b"Received: from client.example")


async def test_quit_answers_221_and_closes() -> None:
    async with served() as s:
        await s.reader.reply()
        assert await s.send(b"QUIT\r\n") == wire("session.quit")
        assert await s.reader.eof()


async def test_pipelined_commands_get_replies_in_order() -> None:
    async with served() as s:
        await s.reader.reply()
        await s.client.send_all(b"".join(TRANSACTION) + TEXT + b"QUIT\r\n")
        replies = [await s.reader.reply() for _ in range(6)]
        assert [r[:3] for r in replies] == [b"250", b"250", b"250", b"354", b"250", b"221"]
        assert await s.reader.eof()


async def test_every_exchange_is_published_in_order() -> None:
    async with served() as s:
        await transact(s)
        await s.send(b"QUIT\r\n")
        keys = [exchange.reply.key for exchange in s.exchanges()]
        assert keys == ["session.greeting", "session.ehlo", "mail.accepted", "rcpt.accepted",
                        "data.start", "data.accepted", "session.quit"]


async def test_two_messages_on_one_connection() -> None:
    async with served() as s:
        await transact(s)
        for line in TRANSACTION[1:]:
            await s.send(line)
        assert await s.send(TEXT) == wire("data.accepted", queue_id="S1-2")
        assert len(s.store.messages()) == 2


async def test_idle_timeout_says_421_and_closes(autojump_clock: trio.testing.MockClock) -> None:
    async with served(idle_timeout=300) as s:
        await s.reader.reply()
        assert await s.reader.reply() == wire("session.timeout")
        assert await s.reader.eof()
        assert trio.current_time() >= 300


async def test_activity_keeps_a_session_alive(autojump_clock: trio.testing.MockClock) -> None:
    async with served(idle_timeout=300) as s:
        await s.reader.reply()
        for _ in range(5):
            await trio.sleep(200)
            assert await s.send(b"NOOP\r\n") == wire("session.noop")
        assert trio.current_time() >= 1000


async def test_timeout_mid_data_stores_nothing(autojump_clock: trio.testing.MockClock) -> None:
    async with served(idle_timeout=60) as s:
        await s.reader.reply()
        for line in TRANSACTION:
            await s.send(line)
        await s.client.send_all(b"Subject: half a message\r\n")
        assert await s.reader.reply() == wire("session.timeout")
        assert s.store.messages() == []


async def test_cancelling_the_server_says_421_shutdown() -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore()))
        await reader.reply()
        nursery.cancel_scope.cancel()
    assert await reader.reply() == wire("session.shutdown")
    assert await reader.eof()


async def test_disconnect_mid_data_stores_nothing() -> None:
    store = MemoryStore()
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store))
        await start_message(client, reader)
        await client.send_all(b"Subject: cut short\r\n\r\nno final dot")
        await client.aclose()
    assert store.messages() == []


class BrokenStore(MemoryStore):
    """A store whose every delivery fails with ``errno`` (EIO: a broken disk)."""

    def __init__(self, code: int = errno.EIO) -> None:
        super().__init__()
        self.code = code

    def deliver(self, message: ReceivedMessage) -> str:
        raise OSError(self.code, os.strerror(self.code))


@pytest.mark.parametrize(("code", "key"), [(errno.EIO, "data.storage-failed"),
                                           (errno.ENOSPC, "data.storage-full"),
                                           (errno.EDQUOT, "data.storage-full")])
async def test_store_failure_answers_451_or_452_in_one_log_line(
        code: int, key: str, caplog: pytest.LogCaptureFixture) -> None:
    async with served(store=BrokenStore(code)) as s:
        with caplog.at_level(logging.ERROR):
            assert await transact(s) == wire(key)
        assert s.store.messages() == []
        assert await s.send(b"NOOP\r\n") == wire("session.noop")
    [record] = caplog.records
    assert "could not store message S1-1" in record.getMessage()
    assert os.strerror(code) in record.getMessage()
    assert record.exc_info is None  # one line, not a traceback


async def test_a_full_memory_store_answers_452_and_keeps_what_it_has() -> None:
    store = MemoryStore(limit=1000)
    async with served(store=store) as s:
        assert await transact(s) == wire("data.accepted", queue_id="S1-1")
        [kept] = store.messages()
        big = b"x" * 900 + b"\r\n.\r\n"
        for line in TRANSACTION[1:]:
            await s.send(line)
        assert await s.send(big) == wire("data.storage-full")
        assert await s.send(b"NOOP\r\n") == wire("session.noop")
        assert store.messages() == [kept]
        assert store.usage() == Usage(1, len(kept.message.content), 1000)


async def test_maildir_file_exists_when_250_arrives(tmp_path: Path) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    store = MaildirStore(tmp_path)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store))
        await start_message(client, reader)
        await client.send_all(TEXT)
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        assert len(list((tmp_path / "new").iterdir())) == 1
        nursery.cancel_scope.cancel()
    [stored] = store.messages()
    assert stored.message.content.endswith(b"\r\nhello\r\n")


async def test_a_watcher_that_never_reads_does_not_stall_the_session() -> None:
    client, server = trio.testing.memory_stream_pair()
    send, _never_read = trio.open_memory_channel[Exchange](0)
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                feed=send))
        await reader.reply()
        for _ in range(3):
            await client.send_all(b"NOOP\r\n")
            assert await reader.reply() == wire("session.noop")
        nursery.cancel_scope.cancel()


class ExplodingSession(Session):
    def receive_data(self, data: bytes) -> list[Exchange]:
        raise RuntimeError("engine bug")


async def test_an_engine_failure_ends_only_that_session(caplog: pytest.LogCaptureFixture) -> None:
    broken_client, broken_server = trio.testing.memory_stream_pair()
    with caplog.at_level(logging.ERROR):
        async with served() as healthy:
            await healthy.reader.reply()
            await serve_stream_then(broken_server, broken_client)
            assert await healthy.send(b"NOOP\r\n") == wire("session.noop")
    assert "session S9 (peer-9) failed" in caplog.text
    assert "engine bug" in caplog.text


async def serve_stream_then(server: trio.abc.Stream, client: trio.abc.Stream) -> None:
    """Run a session whose engine raises; it must return, and close its stream."""
    session = ExplodingSession(POLICY, peer="peer-9", session_id="S9")
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                session=session))
        assert await reader.reply() == wire("session.greeting")
        await client.send_all(b"NOOP\r\n")
        assert await reader.eof()


async def test_error_budget_closes_with_421() -> None:
    async with served() as s:
        await s.reader.reply()
        await s.client.send_all(b"BOGUS\r\n" * POLICY.error_budget)
        replies = [await s.reader.reply() for _ in range(POLICY.error_budget + 1)]
        assert replies[-1] == wire("session.too-many-errors")
        assert await s.reader.eof()


async def test_ten_megabytes_without_newline_cost_bounded_memory() -> None:
    chunk = b"x" * 65536
    async with served() as s:
        await s.reader.reply()
        tracemalloc.start()
        try:
            for _ in range(160):  # 10 MiB, never a line feed
                await s.client.send_all(chunk)
                await trio.testing.wait_all_tasks_blocked()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 1024 * 1024
        assert await s.send(b"\r\n") == wire("limits.line-too-long")
        assert await s.send(b"NOOP\r\n") == wire("session.noop")


async def test_random_bytes_get_replies_and_the_session_survives() -> None:
    noise = bytes(range(256)) * 8 + b"\r\n"
    async with served() as s:
        await s.reader.reply()
        await s.client.send_all(noise)
        first = await s.reader.reply()
        assert first[:1] == b"5"
        await s.client.send_all(b"\r\nNOOP\r\n")
        while (reply := await s.reader.reply()).startswith(b"5"):
            pass
        assert reply == wire("session.noop")


# -- open_local_session: what the console uses ------------------------------------------------

async def read_through(local: LocalSession, line: bytes) -> tuple[bytes, Exchange]:
    await local.client.send_all(line)
    return await ReplyReader(local.client).reply(), await local.exchanges.receive()


async def test_local_session_gives_greeting_bytes_and_exchange() -> None:
    async with open_local_session() as local:
        assert await ReplyReader(local.client).reply() == wire("session.greeting")
        greeting = await local.exchanges.receive()
        assert greeting.reply.key == "session.greeting"
        assert local.session.state is State.CONNECTED


async def test_local_session_shows_state_and_stores_messages() -> None:
    async with open_local_session() as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        for line in TRANSACTION:
            await local.client.send_all(line)
            await reader.reply()
        assert local.session.state is State.DATA
        assert local.session.recipients == ["bob@example.net"]
        await local.client.send_all(TEXT)
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        assert local.session.state is State.GREETED
        assert [s.message.envelope.sender for s in local.store.messages()] == ["ann@example.org"]


async def test_local_session_feed_ends_after_quit() -> None:
    async with open_local_session() as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        await local.client.send_all(b"QUIT\r\n")
        assert await reader.reply() == wire("session.quit")
        assert await reader.eof()
        keys = [exchange.reply.key async for exchange in local.exchanges]
        assert keys == ["session.greeting", "session.quit"]
        assert local.session.state is State.CLOSED


async def test_local_session_uses_the_given_store_and_policy() -> None:
    store = MemoryStore()
    policy = Policy(hostname="mx.school.example")
    async with open_local_session(policy=policy, store=store, session_id="S7") as local:
        reader = ReplyReader(local.client)
        assert await reader.reply() == wire("session.greeting", host="mx.school.example")
        for line in (*TRANSACTION, TEXT):
            await local.client.send_all(line)
            reply = await reader.reply()
        assert reply == wire("data.accepted", queue_id="S7-1")
        assert local.store is store
        assert len(store.messages()) == 1


async def test_leaving_a_local_session_says_421_to_the_client() -> None:
    async with open_local_session() as local:
        reader = ReplyReader(local.client)
        await reader.reply()
    assert await reader.reply() == wire("session.shutdown")


async def test_local_exchanges_are_queued_before_their_bytes_arrive() -> None:
    async with open_local_session() as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        await local.client.send_all(b"EHLO client.example\r\nNOOP\r\nRSET\r\n")
        await reader.reply()
        keys = [local.exchanges.receive_nowait().reply.key for _ in range(4)]
        assert keys == ["session.greeting", "session.ehlo", "session.noop", "session.rset"]


@pytest.mark.parametrize("drain", [True, False])
async def test_draining_after_a_421_is_the_callers_word_on_any_stream(
        drain: bool, autojump_clock: trio.testing.MockClock) -> None:
    """drain=True (a network connection): after the 421 the server half-closes and still
    reads what the client sends, so the close is not a reset; without it the stream is
    closed at once, whatever kind of stream it is."""
    client, server = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(serve_stream, server, policy=Policy(), store=MemoryStore(),
                                   options=StreamOptions(Timeouts(idle=1)), drain=drain))
        said = b""
        with trio.fail_after(10):
            while chunk := await client.receive_some():
                said += chunk
        assert said.endswith(wire("session.timeout"))
        if drain:
            await client.send_all(b"NOOP\r\n")  # taken, not refused
        else:
            with pytest.raises(trio.BrokenResourceError):
                await client.send_all(b"NOOP\r\n")
