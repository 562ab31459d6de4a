"""The conversation loop around a stored message: its 250 goes out whatever else happens.

Once the store holds a message, a client that reads 421 instead of 250 sends the message
again: a duplicate. These tests put shutdown, the idle deadline, a slow reader and a client
that never reads right in the middle of a store, over trio memory streams (virtual time
where it helps). The time limits themselves are tested in test_deadlines.py.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from functools import partial
from pathlib import Path

import pytest
import trio
import trio.testing

from simulator.protocol import Exchange, Policy, ReceivedMessage, Session
from simulator.protocol.memory import Memory
from simulator.server import StreamOptions, Timeouts, serve_stream
from simulator.server.conversation import drive
from simulator.server.deadlines import REPLY_SECONDS
from simulator.server.feeds import publisher
from simulator.server.store import MaildirStore, MemoryStore
from simulator.server.tls import UpgradableStream
from simulator.server.wire import AnyStream
from tests.replies_reader import TEXT, TRANSACTION, ReplyReader, start_message, wire

POLICY = Policy()
GUARD = 15.0
"""Real seconds a worker thread waits at most for the test (a hang guard, not a timing check)."""


def upgradable(stream: trio.abc.Stream) -> UpgradableStream:
    """What drive is given: the stream the driver made, here without a certificate."""
    return UpgradableStream(AnyStream(stream), None)


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


async def test_time_spent_storing_is_not_idle_time() -> None:
    """The store runs in a real thread, so this runs on the real clock, with small numbers
    (a virtual clock would race the thread)."""
    store = GatedStore()
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store,
                                                options=StreamOptions(Timeouts(idle=0.5))))
        await start_message(client, reader)
        await client.send_all(TEXT)
        await store.wait_until_storing()
        await trio.sleep(1.5)  # the server, not the client, is busy: three idle timeouts long
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
                                                options=StreamOptions(Timeouts(idle=60))))
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
                                                options=StreamOptions(Timeouts(idle=60))))
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
                                                    options=StreamOptions(Timeouts(idle=60))))
            await start_message(client, reader)
            await client.send_all(TEXT)
            await trio.sleep(61)
            while await client.receive_some():  # what the cancelled send left, then the close
                pass
    assert "reply to a stored message not taken in time" in caplog.text
    assert len(store.messages()) == 1


# -- the error slowdown: a delay the engine asks for, waited by this session only -----------

SLOW = Policy(error_sleep=1.0, soft_error_limit=1)
"""Past one error, each error reply waits a second (serve's default waits past ten)."""


async def test_an_error_past_the_soft_limit_waits_a_second_of_virtual_time(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=SLOW, store=MemoryStore()))
        assert await reader.reply() == wire("session.greeting")
        waited = []
        for _ in range(3):
            start = trio.current_time()
            await client.send_all(b"BOGUS\r\n")
            assert await reader.reply() == wire("syntax.unknown-command", verb="BOGUS")
            waited.append(trio.current_time() - start)
        start = trio.current_time()
        await client.send_all(b"NOOP\r\n")
        assert await reader.reply() == wire("session.noop")
        assert waited == [0.0, 1.0, 1.0] and trio.current_time() == start
        nursery.cancel_scope.cancel()


async def test_pipelined_errors_wait_one_after_another_and_in_order(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=SLOW, store=MemoryStore()))
        assert await reader.reply() == wire("session.greeting")
        start = trio.current_time()
        await client.send_all(b"X1\r\nX2\r\nNOOP\r\nX3\r\n")
        arrived = []
        for _ in range(4):
            arrived.append((await reader.reply())[:3])
            arrived.append(trio.current_time() - start)
        assert arrived == [b"500", 0.0, b"500", 1.0, b"250", 1.0, b"500", 2.0]
        nursery.cancel_scope.cancel()


async def test_a_bystander_is_not_delayed_by_a_slowed_down_session(
        autojump_clock: trio.testing.MockClock) -> None:
    guesser, guesser_end = trio.testing.memory_stream_pair()
    bystander, bystander_end = trio.testing.memory_stream_pair()
    guessing, reader = ReplyReader(guesser), ReplyReader(bystander)
    async with trio.open_nursery() as nursery:
        for end in (guesser_end, bystander_end):
            nursery.start_soon(partial(serve_stream, end, policy=SLOW, store=MemoryStore()))
        assert await guessing.reply() == wire("session.greeting")
        assert await reader.reply() == wire("session.greeting")
        await guesser.send_all(b"BOGUS\r\n" * 15)  # 14 seconds of delayed replies
        await trio.testing.wait_all_tasks_blocked()
        start = trio.current_time()
        for line in TRANSACTION:
            await bystander.send_all(line)
            assert (await reader.reply())[:1] in (b"2", b"3")
        await bystander.send_all(TEXT)
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        assert trio.current_time() == start
        replies = [await guessing.reply() for _ in range(15)]
        assert set(replies) == {wire("syntax.unknown-command", verb="BOGUS")}
        assert trio.current_time() - start == 14.0
        nursery.cancel_scope.cancel()


async def _guess_once(memory: Memory, peer: str, policy: Policy) -> float:
    """Connect as ``peer``, send one wrong password: seconds its 535 took to come."""
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    options = StreamOptions(memory=memory, peer=peer)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(serve_stream, server, policy=policy, store=MemoryStore(),
                                   options=options))
        assert await reader.reply() == wire("session.greeting")
        await client.send_all(b"EHLO guesser.example\r\n")
        assert (await reader.reply()).startswith(b"250-")
        await client.send_all(b"AUTH PLAIN AHN0dWRlbnQAd3Jvbmc=\r\n")  # student / wrong
        start = trio.current_time()
        assert await reader.reply() == wire("auth.failed")
        nursery.cancel_scope.cancel()
    return trio.current_time() - start


async def test_a_guesser_that_reconnects_waits_from_its_first_failure_past_the_limit(
        autojump_clock: trio.testing.MockClock) -> None:
    policy = Policy(auth=True, error_sleep=1.0, auth_failure_limit=2)
    memory = Memory()
    waited = [await _guess_once(memory, f"192.0.2.7:{port}", policy) for port in range(4)]
    assert waited == [0.0, 0.0, 1.0, 1.0]  # a new connection each time, as the bench's guesser
    assert await _guess_once(memory, "198.51.100.9:4000", policy) == 0.0  # someone else
    await trio.sleep(60)
    assert await _guess_once(memory, "192.0.2.7:5000", policy) == 0.0  # a minute later


async def test_the_servers_own_waiting_is_not_the_clients_idle_time(
        autojump_clock: trio.testing.MockClock) -> None:
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    policy = Policy(error_sleep=2.0, soft_error_limit=0)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=policy, store=MemoryStore(),
                                                options=StreamOptions(Timeouts(idle=5))))
        assert await reader.reply() == wire("session.greeting")
        start = trio.current_time()
        await client.send_all(b"BOGUS\r\n" * 4)  # 8 s of the server's waiting
        replies = [await reader.reply() for _ in range(4)]
        assert set(replies) == {wire("syntax.unknown-command", verb="BOGUS")}
        assert trio.current_time() - start == 8.0
        assert await reader.reply() == wire("session.timeout")  # then 5 s of real silence
        assert trio.current_time() - start == 13.0


async def _watched(chunks: list[bytes], *, read_between: bool) -> list[Exchange]:
    """The Exchanges a driver watching for early input publishes for a client that sends
    ``chunks`` (reading a reply before each when ``read_between``)."""
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    send, receive = trio.open_memory_channel[Exchange](100)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(drive, upgradable(server), Session(POLICY), MemoryStore(),
                                   publisher(send), watch_ahead=0.2))
        for chunk in chunks:
            if read_between:
                await reader.reply()
            await client.send_all(chunk)
        if read_between:
            await reader.reply()  # the 221, before closing
        else:
            await trio.sleep(1)  # replies unread, but the connection kept open meanwhile
        await client.aclose()
    return [receive.receive_nowait() for _ in range(receive.statistics().current_buffer_used)]


async def test_a_watching_driver_marks_replies_the_client_did_not_wait_for(
        autojump_clock: trio.testing.MockClock) -> None:
    lines = [b"EHLO a.example\r\n", b"MAIL FROM:<a@example.org>\r\n", b"QUIT\r\n"]
    patient = await _watched(lines, read_between=True)
    assert [e.sent_ahead for e in patient] == [False, False, False, False]
    # All at once, before the greeting: every reply but the last came too late.
    hasty = await _watched([b"".join(lines)], read_between=False)
    assert [e.sent_ahead for e in hasty] == [True, True, True, False]
    # The message text right behind DATA, in the same read: the 354 was not waited for.
    early = await _watched([b"EHLO a\r\n", b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>"
                            b"\r\n", b"DATA\r\nSubject: x\r\n", b"\r\nbody\r\n.\r\nQUIT\r\n"],
                           read_between=True)
    assert [(e.reply.code, e.sent_ahead) for e in early] == [
        (220, False), (250, False), (250, True), (250, False), (354, True), (250, True),
        (221, True)]  # it read one reply per chunk, so it closed before the 221 came


# -- a farewell: serve --lesson changes the 221 to QUIT -----------------------------------------

async def _farewell_run(chunk: bytes, answer: bool) -> tuple[bytes, list[str], list[str]]:
    """A client sends ``chunk`` then reads to the end; what it read, the keys published, and
    the keys published by the time the farewell was asked."""
    from simulator.protocol.farewell import with_progress

    client, server = trio.testing.memory_stream_pair()
    send_, receive = trio.open_memory_channel[Exchange](100)
    seen_at_ask: list[str] = []

    async def farewell(exchange: Exchange) -> Exchange:
        seen_at_ask.extend(e.reply.key for e in _drained(receive))
        if not answer:
            await trio.sleep_forever()  # bounded by the driver
        return with_progress(exchange, host="h", lesson="hello", done=3, total=3)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(drive, upgradable(server), Session(POLICY), MemoryStore(),
                                   publisher(send_), farewell=farewell))
        await client.send_all(chunk)
        data = b""
        while more := await client.receive_some():
            data += more
    return data, seen_at_ask + [e.reply.key for e in _drained(receive)], seen_at_ask


def _drained(receive: trio.MemoryReceiveChannel[Exchange]) -> list[Exchange]:
    return [receive.receive_nowait() for _ in range(receive.statistics().current_buffer_used)]


@pytest.mark.parametrize("chunk", [b"EHLO a.example\r\nNOOP\r\nQUIT\r\n",
                                   b"EHLO a.example\r\nMAIL FROM:<a@b.example>\r\n"
                                   b"RCPT TO:<c@d.example>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n"])
async def test_a_farewell_is_asked_after_all_before_the_quit_is_published(
        autojump_clock: trio.testing.MockClock, chunk: bytes) -> None:
    data, published, at_ask = await _farewell_run(chunk, answer=True)
    assert data.endswith(b"221 2.0.0 h closing connection, goodbye: lesson hello, "
                         b"3 of 3 steps done\r\n")
    assert at_ask[-1] in ("session.noop", "data.accepted") and "session.quit" not in at_ask
    assert published[-1] == "session.quit-lesson" and published[:-1] == at_ask


async def test_a_farewell_that_does_not_answer_in_time_leaves_the_plain_221(
        autojump_clock: trio.testing.MockClock) -> None:
    start = trio.current_time()
    data, published, _ = await _farewell_run(b"EHLO a.example\r\nQUIT\r\n", answer=False)
    assert data.endswith(wire("session.quit")) and published[-1] == "session.quit"
    assert trio.current_time() - start <= 2


async def test_without_a_farewell_the_221_is_the_plain_one() -> None:
    client, server = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(drive, upgradable(server), Session(POLICY), MemoryStore(),
                                   publisher(None)))
        reader = ReplyReader(client)
        assert await reader.reply() == wire("session.greeting")
        await client.send_all(b"QUIT\r\n")
        assert await reader.reply() == wire("session.quit")


async def test_commands_in_one_read_are_marked_sent_ahead_all_but_the_last() -> None:
    """RFC 2920: a client that sends MAIL and RCPT in one write did not wait for MAIL's
    reply; the driver marks it (lesson 26 checks it), a command sent alone is not marked."""
    send, receive = trio.open_memory_channel[Exchange](100)
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=MemoryStore(),
                                                feed=send))
        await reader.reply()
        await client.send_all(b"EHLO c.example\r\n")
        await reader.reply()
        await client.send_all(b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n")
        await reader.reply()
        await reader.reply()
        await client.send_all(b"NOOP\r\n")
        await reader.reply()
        nursery.cancel_scope.cancel()  # the shutdown's 421 comes last
    marks = [(e.reply.key, e.sent_ahead) for e in _drained(receive)]
    assert marks[1:5] == [("session.ehlo", False), ("mail.accepted", True),
                          ("rcpt.accepted", False), ("session.noop", False)]


async def test_the_250_leaves_only_after_the_message_and_its_name_are_fsynced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 250 promises the message survives a crash (RFC 5321 §6.1): the Maildir file and the
    new/ directory holding its name are both fsynced before the reply is sent."""
    from simulator.server.store import MaildirStore

    events: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        where = os.readlink(f"/proc/self/fd/{fd}")
        events.append("fsync dir" if os.path.isdir(where) else "fsync file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store = MaildirStore(tmp_path / "mail")
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=POLICY, store=store))
        await start_message(client, reader)
        await client.send_all(TEXT)
        assert await reader.reply() == wire("data.accepted", queue_id="S1-1")
        events.append("250")
        nursery.cancel_scope.cancel()
    assert events == ["fsync file", "fsync dir", "250"]
    assert len(store.messages()) == 1


async def _published(store: MemoryStore | MaildirStore, *lines: bytes) -> list[Exchange]:
    """The Exchanges one conversation publishes: greeting, a message, QUIT."""
    send, receive = trio.open_memory_channel[Exchange](100)
    client, server = trio.testing.memory_stream_pair()
    reader = ReplyReader(client)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(serve_stream, server, policy=POLICY, store=store, feed=send))
        await start_message(client, reader)
        for line in (TEXT, *lines, b"QUIT\r\n"):
            await client.send_all(line)
            await reader.reply()
        assert await reader.eof()
    send.close()
    return [exchange async for exchange in receive]


async def test_the_published_250_says_which_maildir_file_holds_the_message(
        tmp_path: Path) -> None:
    store = MaildirStore(tmp_path / "mail")
    published = await _published(store)
    [accepted] = [exchange for exchange in published if exchange.message is not None]
    assert accepted.reply.code == 250 and accepted.stored is not None
    assert Path(accepted.stored).parent == tmp_path / "mail" / "new"
    assert Path(accepted.stored).read_bytes().endswith(b"\nhello\n")
    assert [exchange.stored for exchange in published if exchange is not accepted] == [None] * (
        len(published) - 1)


async def test_the_published_250_says_which_memory_message_it_is() -> None:
    store = MemoryStore()
    published = await _published(store, *TRANSACTION[1:], TEXT)
    assert [exchange.stored for exchange in published if exchange.message is not None] == [
        "memory #1", "memory #2"]


async def test_a_message_the_store_refused_was_stored_nowhere() -> None:
    class BrokenDisk(MemoryStore):
        def deliver(self, message: ReceivedMessage) -> str:
            raise OSError(errno.EIO, "Input/output error")

    published = await _published(BrokenDisk())
    [refused] = [exchange for exchange in published if exchange.reply.code >= 400]
    assert refused.reply.code == 451 and refused.stored is None
