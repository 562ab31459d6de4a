"""Real TCP: smtplib, swaks, curl and nc against serve_tcp; the TCP stream's trio contract.

The ``smtp-sim serve`` process is tested in tests/faces/serve/test_main.py."""

from __future__ import annotations

import errno
import gc
import io
import logging
import math
import os
import smtplib
import socket
import tracemalloc
import weakref
from dataclasses import fields
from functools import partial
from pathlib import Path

import pytest
import trio
import trio.testing

from simulator.faces.serve.linelog import LOG_INTERVAL, print_log
from simulator.protocol import Exchange, Policy, Session, State
from simulator.server import Feed, PeerExchange, SessionEnd, TcpOptions, Watchers, serve_tcp
from simulator.server.store import MemoryStore
from simulator.server.tcp import (
    ACCEPT_PAUSE,
    ListenError,
    SocketConnection,
    Starved,
    accept_waiting,
)
from simulator.server.tls import UpgradableStream, generated_certificate, server_context
from simulator.server.wire import AnyStream
from tests.replies_reader import wire
from tests.smtp_client import (
    GUARD,
    TEXT,
    TRANSACTION,
    Client,
    running_server,
    smtplib_send,
)

# -- serve_tcp, in process ------------------------------------------------------------------

async def test_smtplib_full_transaction() -> None:
    async with running_server() as server:
        [reply] = await trio.to_thread.run_sync(smtplib_send, server.port)
        assert reply == (250, b"2.0.0 OK: message accepted as S1-1")
        [stored] = server.store.messages()
        assert stored.message.envelope.sender == "ann@example.org"
        assert stored.message.envelope.recipients == ("bob@example.net",)
        assert stored.message.envelope.peer.startswith("127.0.0.1:")
        assert stored.message.content.endswith(TEXT)


async def test_smtplib_two_messages_on_one_connection() -> None:
    async with running_server() as server:
        replies = await trio.to_thread.run_sync(smtplib_send, server.port, 2)
        assert [code for code, _ in replies] == [250, 250]
        assert replies[1][1].endswith(b"S1-2")
        assert len(server.store.messages()) == 2


async def test_smtplib_sees_the_extensions() -> None:
    def features(port: int) -> tuple[bool, bool, str]:
        with smtplib.SMTP("127.0.0.1", port, timeout=GUARD) as client:
            client.ehlo("client.example")
            return (client.has_extn("pipelining"), client.has_extn("8bitmime"),
                    client.esmtp_features["size"])

    async with running_server() as server:
        assert await trio.to_thread.run_sync(features, server.port) == (True, True, "10485760")


async def test_pipelined_transaction_in_one_write() -> None:
    async with running_server() as server:
        client = await Client.connect(server.port)
        assert await client.reply() == wire("session.greeting")
        await client.stream.send_all(b"".join(TRANSACTION) + TEXT + b".\r\nQUIT\r\n")
        replies = [await client.reply() for _ in range(6)]
        assert [r[:3] for r in replies] == [b"250", b"250", b"250", b"354", b"250", b"221"]
        assert await client.eof()


async def test_swaks_delivers_a_message() -> None:
    async with running_server() as server:
        result = await trio.run_process(
            ["swaks", "--server", f"127.0.0.1:{server.port}", "--from", "ann@example.org",
             "--to", "bob@example.net", "--helo", "client.example", "--pipeline",
             "--timeout", "10"], capture_stdout=True, check=False)
        assert result.returncode == 0, result.stdout
        assert b"<-  250 2.0.0 OK: message accepted as S1-1" in result.stdout
        [stored] = server.store.messages()
        assert stored.message.envelope.recipients == ("bob@example.net",)


async def test_curl_uploads_a_message(tmp_path: Path) -> None:
    mail = tmp_path / "mail.txt"
    mail.write_bytes(TEXT)
    async with running_server() as server:
        result = await trio.run_process(
            ["curl", "--silent", "--show-error", "--max-time", "10",
             f"smtp://127.0.0.1:{server.port}/client.example",
             "--mail-from", "ann@example.org", "--mail-rcpt", "bob@example.net",
             "--upload-file", str(mail)], capture_stderr=True, check=False)
        assert result.returncode == 0, result.stderr
        [stored] = server.store.messages()
        assert stored.message.envelope.helo == "client.example"
        assert stored.message.content.endswith(TEXT)


async def test_nc_with_crlf_talks_smtp() -> None:
    async with running_server() as server:
        result = await trio.run_process(
            ["nc", "-C", "-N", "-w", "10", "127.0.0.1", str(server.port)],
            stdin=b"EHLO client.example\nNOOP\nQUIT\n", capture_stdout=True, check=False)
        assert result.stdout.startswith(wire("session.greeting"))
        assert wire("session.noop") in result.stdout
        assert result.stdout.endswith(wire("session.quit"))


async def test_raw_socket_bad_input_gets_500s_and_the_session_goes_on() -> None:
    async with running_server() as server:
        client = await Client.connect(server.port)
        await client.reply()
        assert await client.command(b"EHLO client.example\n") == wire("syntax.bare-lf")
        garbage = await client.command(b"\x00\xff\x1b[2J\r\n")
        assert garbage.startswith(b"500 5.5.2 Syntax error: command ")
        assert b"\x1b" not in garbage and b"\x00" not in garbage  # echoed escaped, never raw
        assert await client.command(b"MAIL FROM:<a\x1b[31m@b.example>\r\n") == wire(
            "sequence.need-helo")
        assert await client.command(b"x" * 600 + b"\r\n") == wire("limits.line-too-long")
        assert await client.command(b"NOOP\r\n") == wire("session.noop")


async def test_the_feed_names_peer_and_session_and_then_says_it_ended() -> None:
    async with running_server() as server:
        client = await Client.connect(server.port)
        await client.reply()
        await client.command(b"QUIT\r\n")
        first, second = server.feed.receive_nowait(), server.feed.receive_nowait()
        local_port = client.stream.socket.getsockname()[1]
        assert isinstance(first, PeerExchange) and isinstance(second, PeerExchange)
        assert (first.session_id, first.peer) == ("S1", f"127.0.0.1:{local_port}")
        assert [first.exchange.reply.key, second.exchange.reply.key] == [
            "session.greeting", "session.quit"]
        with trio.fail_after(GUARD):
            end = await server.feed.receive()
        assert end == SessionEnd("S1", f"127.0.0.1:{local_port}", State.CLOSED)


async def test_a_client_gone_in_the_middle_of_a_message_ends_in_data() -> None:
    """The feed's end of a session says where the client left it (the log says "left
    during DATA")."""
    async with running_server() as server:
        client = await Client.connect(server.port)
        await client.reply()
        await client.start_message()
        await client.aclose()
        with trio.fail_after(GUARD):
            while not isinstance(item := await server.feed.receive(), SessionEnd):
                pass
        assert (item.session_id, item.state) == ("S1", State.DATA)


async def test_a_refused_client_is_published_but_has_no_session_to_end() -> None:
    async with running_server(max_clients=0) as server:
        client = await Client.connect(server.port)
        assert await client.reply() == wire("session.too-many-clients")
        assert await client.eof()
        refused = server.feed.receive_nowait()
        assert isinstance(refused, PeerExchange) and refused.session_id == "S1"
        with pytest.raises(trio.WouldBlock):
            server.feed.receive_nowait()


async def test_each_session_is_greeted_with_the_page_watch_made_for_it() -> None:
    """serve --web: every connection asks for its own page; the greeting names it."""
    asked: list[str] = []
    peers: list[str] = []

    def watch(session_id: str, peer: str) -> str:
        asked.append(session_id)
        peers.append(peer)
        return f"http://127.0.0.1:8025/s/page-{len(asked)}"

    async with trio.open_nursery() as nursery:
        bound = await nursery.start(partial(serve_tcp, policy=Policy(), store=MemoryStore(),
                                            options=TcpOptions(port=0, watch=watch)))
        greetings = []
        for _ in range(2):
            client = await Client.connect(bound.port)
            greetings.append(await client.reply())
            await client.command(b"QUIT\r\n")
        nursery.cancel_scope.cancel()
    assert asked == ["S1", "S2"] and all(p.startswith("127.0.0.1:") for p in peers)
    assert greetings[1].endswith(b"ready; watch this session explained at "
                                 b"http://127.0.0.1:8025/s/page-2\r\n")


async def test_the_log_says_how_many_exchanges_it_had_no_room_for() -> None:
    send, receive = trio.open_memory_channel[PeerExchange | SessionEnd](2)  # two log lines
    feed = Feed(send)
    async with trio.open_nursery() as nursery:
        bound = await nursery.start(partial(serve_tcp, policy=Policy(), store=MemoryStore(),
                                            options=TcpOptions(port=0),
                                            watchers=Watchers(feed)))
        client = await Client.connect(bound.port)
        await client.reply()
        for _ in range(5):
            assert await client.command(b"NOOP\r\n") == wire("session.noop")
        assert await client.command(b"QUIT\r\n") == wire("session.quit")
        nursery.cancel_scope.cancel()
    send.close()
    out = io.StringIO()
    await print_log(receive, out, feed)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith(" -> (connected)  <- " + wire("session.greeting").decode().strip())
    assert lines[1].endswith(" -> NOOP  <- " + wire("session.noop").decode().strip())
    # four NOOPs, the QUIT and the session's end found no room
    assert lines[2] == "... 6 log lines dropped (the terminal could not keep up)"


async def test_the_log_reports_drops_once_and_says_line_for_one() -> None:
    send, receive = trio.open_memory_channel[PeerExchange](math.inf)
    feed = Feed(send)
    greeting = Session(Policy()).greeting()
    out = io.StringIO()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(print_log, receive, out, feed)
        async with send:
            feed.missed += 1
            await send.send(PeerExchange("S1", "127.0.0.1:1", greeting))
            await trio.testing.wait_all_tasks_blocked()
            await send.send(PeerExchange("S2", "127.0.0.1:2", greeting))
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["S1", "...", "S2"]
    assert lines[1] == "... 1 log line dropped (the terminal could not keep up)"


async def test_started_reports_the_port_bound_and_no_tls_port_without_one() -> None:
    async with trio.open_nursery() as nursery:
        bound = await nursery.start(partial(serve_tcp, policy=Policy(), store=MemoryStore(),
                                            options=TcpOptions(port=0)))
        client = await Client.connect(bound.port)
        assert await client.reply() == wire("session.greeting")
        await client.aclose()
        nursery.cancel_scope.cancel()
    assert bound.tls_port is None


def _taken() -> socket.socket:
    """A loopback port some other program listens on."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("which", ["main", "tls"])
async def test_a_port_taken_is_named_and_nothing_is_left_bound(which: str,
                                                               tmp_path: Path) -> None:
    """The main port or the implicit-TLS port in use: start() raises the ListenError naming
    that port, before any client could connect, and the other port is free again."""
    context = server_context(generated_certificate("127.0.0.1", tmp_path))
    with _taken() as taken:
        busy, free = taken.getsockname()[1], _free_port()
        ports = (busy, free) if which == "main" else (free, busy)
        async with trio.open_nursery() as nursery:
            with pytest.raises(ListenError) as raised:
                await nursery.start(partial(
                    serve_tcp, policy=Policy(tls=True), store=MemoryStore(),
                    options=TcpOptions(port=ports[0], tls=context, tls_port=ports[1])))
    assert (raised.value.host, raised.value.port) == ("127.0.0.1", busy)
    with socket.socket() as again:
        again.bind(("127.0.0.1", free))  # nothing of the server is left on the other port


async def test_over_max_clients_gets_421_at_connect() -> None:
    async with running_server(max_clients=2) as server:
        first, second = await Client.connect(server.port), await Client.connect(server.port)
        assert await first.reply() == wire("session.greeting")
        assert await second.reply() == wire("session.greeting")
        third = await Client.connect(server.port)
        assert await third.reply() == wire("session.too-many-clients")
        assert await third.eof()
        await first.command(b"QUIT\r\n")
        assert await first.eof()
        await first.aclose()
        await trio.testing.wait_all_tasks_blocked()
        fourth = await Client.connect(server.port)
        assert await fourth.reply() == wire("session.greeting")


async def test_over_max_per_client_gets_421_at_connect_and_a_slot_frees_on_quit() -> None:
    async with running_server(max_per_client=2) as server:
        first, second = await Client.connect(server.port), await Client.connect(server.port)
        assert await first.reply() == wire("session.greeting")
        assert await second.reply() == wire("session.greeting")
        third = await Client.connect(server.port)
        assert await third.reply() == wire("session.too-many-from-client")
        assert await third.eof()
        assert await second.command(b"NOOP\r\n") == wire("session.noop")  # untouched
        await first.command(b"QUIT\r\n")
        assert await first.eof()
        await first.aclose()
        await trio.testing.wait_all_tasks_blocked()
        fourth = await Client.connect(server.port)
        assert await fourth.reply() == wire("session.greeting")


async def test_shutdown_says_421_to_every_open_connection() -> None:
    async with running_server() as server:
        clients = [await Client.connect(server.port) for _ in range(5)]
        for client in clients:
            await client.reply()
        await clients[0].start_message()
        await clients[0].stream.send_all(b"Subject: unfinished\r\n")
        await clients[1].command(b"EHLO client.example\r\n")
        server.scope.cancel()
    for client in clients:
        assert await client.reply() == wire("session.shutdown")
        assert await client.eof()
    assert server.store.messages() == []


async def test_idle_tcp_client_is_timed_out() -> None:
    async with running_server(idle_timeout=0.2) as server:
        client = await Client.connect(server.port)
        await client.reply()
        assert await client.reply() == wire("session.timeout")
        assert await client.eof()


# -- the stream contract ----------------------------------------------------------------------

async def connection_pair() -> tuple[SocketConnection, SocketConnection]:
    """Two ends of one loopback TCP connection, each a SocketConnection."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
    for sock in (client, server):
        sock.setblocking(False)
    return SocketConnection(client), SocketConnection(server)


async def clogged_pair() -> tuple[SocketConnection, SocketConnection]:
    """A pair whose ends cannot send more until the other end reads (as trio's own test).

    A Unix socket pair: TCP on loopback keeps taking small sends for a while after the
    buffers first fill (it moves data on into the peer's growing receive buffer), so it
    cannot be held clogged; the class does not care which stream socket it wraps.
    """
    left, right = socket.socketpair()
    for sock in (left, right):
        sock.setblocking(False)
    pair = SocketConnection(left), SocketConnection(right)
    for end in pair:
        for size in (10000, 1):  # then even the 5 octets a check sends cannot go
            async with trio.open_nursery() as nursery:
                nursery.start_soon(fill, end, b"x" * size)
                await trio.testing.wait_all_tasks_blocked()
                nursery.cancel_scope.cancel()
    return pair


async def fill(end: SocketConnection, chunk: bytes) -> None:
    while True:
        await end.send_all(chunk)


async def test_socket_connection_keeps_the_trio_stream_contract() -> None:
    await trio.testing.check_half_closeable_stream(connection_pair, clogged_pair)


async def test_send_then_receive_leaves_the_yield_to_the_receive() -> None:
    client, server = await connection_pair()
    steps = Steps(trio.lowlevel.current_task().name)
    trio.lowlevel.add_instrument(steps)
    try:
        await server.send_then_receive(b"250 2.0.0 OK\r\n")
        assert steps.count == 0  # no pass of the scheduler: the caller's receive yields
        await server.send_all(b"250 2.0.0 OK\r\n")
        assert steps.count == 1  # send_all keeps the stream contract: it yields
    finally:
        trio.lowlevel.remove_instrument(steps)
    assert await read_exactly(client, 28) == b"250 2.0.0 OK\r\n" * 2


async def test_send_then_receive_is_a_cancellation_point_and_sends_nothing_then() -> None:
    client, server = await connection_pair()
    with trio.CancelScope() as scope:
        scope.cancel()
        await server.send_then_receive(b"250 2.0.0 OK\r\n")
    assert scope.cancelled_caught
    await server.aclose()
    assert await client.receive_some() == b""


async def test_a_session_s_connection_closes_at_once_without_a_forced_close(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The end of every session: the socket closes before the one checkpoint, so no
    cancelled scope (trio.aclose_forcefully: a Cancelled raised and caught, ~25 µs of CPU a
    client) is needed; the client reads the end of the stream."""
    def forced(resource: object) -> None:
        raise AssertionError("aclose_forcefully on a connection that closes at once")

    monkeypatch.setattr(trio, "aclose_forcefully", forced)
    client, server = await connection_pair()
    await UpgradableStream(server, None).aclose()
    assert await client.receive_some() == b""
    client, server = await connection_pair()
    await server.aclose_now()
    assert await client.receive_some() == b""


async def test_a_close_in_a_cancelled_scope_closes_and_the_scope_takes_the_cancel() -> None:
    client, server = await connection_pair()
    with trio.CancelScope() as scope:
        scope.cancel()
        await UpgradableStream(server, None).aclose()
    assert scope.cancelled_caught and server.socket.fileno() == -1
    assert await client.receive_some() == b""


async def test_another_stream_is_still_closed_forcefully_in_a_cancelled_scope() -> None:
    left, right = trio.testing.memory_stream_pair()
    with trio.CancelScope() as scope:
        scope.cancel()
        await UpgradableStream(AnyStream(left), None).aclose()
    assert scope.cancelled_caught  # as for a connection: the close, then the cancel
    assert await right.receive_some() == b""


async def test_send_then_receive_waits_while_the_peer_is_slow_to_read() -> None:
    client, server = await connection_pair()
    data = bytes(range(256)) * 8192  # 2 MiB: more than the socket buffers hold
    async with trio.open_nursery() as nursery:
        nursery.start_soon(server.send_then_receive, data)
        assert await read_exactly(client, len(data)) == data


async def read_exactly(stream: SocketConnection, size: int) -> bytes:
    got = b""
    while len(got) < size:
        chunk = await stream.receive_some()
        assert chunk, "the connection closed early"
        got += chunk
    return got


# -- what a connection costs the server -------------------------------------------------------

class Steps(trio.abc.Instrument):
    """Counts the scheduler's passes through tasks named ``name`` (by default the tasks
    that serve TCP connections)."""

    def __init__(self, name: str = "simulator.server.drivers._Clients.handle") -> None:
        self.name = name
        self.count = 0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        if task.name == self.name:
            self.count += 1


@pytest.mark.parametrize("command", [b"NOOP\r\n", b"RSET\r\n", b"HELP\r\n", b"XYZZY\r\n",
                                     b"VRFY bob\r\n", b"MAIL FROM:<a@b.example>\r\n"])
async def test_each_command_costs_its_session_one_pass_of_the_scheduler(command: bytes) -> None:
    async with running_server() as server:
        client = await Client.connect(server.port)
        await client.reply()
        await client.command(b"EHLO client.example\r\n")
        steps = Steps()
        trio.lowlevel.add_instrument(steps)
        try:
            for _ in range(20):
                assert (await client.command(command))[:1] in b"2345"
                await client.command(b"RSET\r\n")
        finally:
            trio.lowlevel.remove_instrument(steps)
        await client.aclose()
    assert steps.count <= 40 + 2  # was two each: one more after every send


async def test_a_message_costs_its_session_one_pass_per_reply() -> None:
    async with running_server() as server:
        client = await Client.connect(server.port)
        await client.reply()
        steps = Steps()
        trio.lowlevel.add_instrument(steps)
        try:
            assert (await client.send_message(TEXT)).startswith(b"250 ")
        finally:
            trio.lowlevel.remove_instrument(steps)
        await client.aclose()
    assert steps.count <= len(TRANSACTION) + 1 + 2


async def test_an_idle_connection_costs_the_server_little_memory() -> None:
    """Python memory the server holds per greeted, silent client (the bench measures RSS)."""
    async with running_server() as server:
        clients = [await Client.connect(server.port)]  # the first of all starts the caches
        await clients[0].reply()
        tracemalloc.start(64)
        try:
            before = tracemalloc.take_snapshot()
            for _ in range(100):
                clients.append(await Client.connect(server.port))
                await clients[-1].reply()
            while server.feed.receive_nowait():  # as a watcher takes what is published
                pass
        except trio.WouldBlock:
            after = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
        for client in clients:
            await client.aclose()
    server_side = [tracemalloc.Filter(True, "*/simulator/*", all_frames=True)]
    grown = sum(stat.size_diff for stat in after.filter_traces(server_side).compare_to(
        before.filter_traces(server_side), "filename"))
    assert grown / 100 < 6800  # octets: was about 7,200 (the greeting was kept while silent)


# -- out of file descriptors ------------------------------------------------------------------

class StarvedListener:
    """A listening socket whose accept fails with EMFILE ``failures`` times, then works."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.served = 0

    def accept(self) -> tuple[socket.socket, tuple[str, int]]:
        if self.failures:
            self.failures -= 1
            raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))
        if self.served:
            raise BlockingIOError
        self.served += 1
        left, right = socket.socketpair()
        right.close()
        return left, ("127.0.0.1", 4000)


async def test_running_out_of_descriptors_is_logged_once_per_burst(
        autojump_clock: trio.testing.MockClock, caplog: pytest.LogCaptureFixture) -> None:
    handled: list[str] = []

    async def handle(connection: SocketConnection, peer: str) -> None:
        handled.append(peer)
        await connection.aclose()

    starved = Starved()
    with caplog.at_level(logging.WARNING):
        async with trio.open_nursery() as nursery:
            for _ in range(2):  # two bursts of 50 failed accepts (5 s of pauses each)
                listener = StarvedListener(failures=50)
                await accept_waiting(listener, handle, nursery, starved)  # type: ignore[arg-type]
    assert handled == ["127.0.0.1:4000"] * 2
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 4, messages
    assert messages[0].startswith("cannot accept clients ([Errno 24] Too many open files)")
    assert messages[1] == f"accepting clients again (after 50 pauses of {ACCEPT_PAUSE} s)"
    assert messages[2:] == messages[:2]


# -- what an idle connection holds ---------------------------------------------------------

def _tasks(nursery: trio.Nursery) -> list[trio.lowlevel.Task]:
    return [found for task in nursery.child_tasks
            for found in (task, *(t for child in task.child_nurseries for t in _tasks(child)))]


def _frames(task: trio.lowlevel.Task) -> list[str]:
    """The coroutine frames of ``task``, outermost first, while they are Python coroutines."""
    names, coro = [], task.coro
    while coro is not None and hasattr(coro, "cr_code"):
        names.append(coro.cr_code.co_qualname)
        coro = coro.cr_await
    return names


async def test_an_idle_client_holds_two_frames_of_the_server_above_its_receive() -> None:
    # Each frame is about 300 octets per idle client (tracemalloc; issue 26's <= 6 KiB): the
    # task runs the conversation's loop itself (no handle/drive frames that only forward).
    async with running_server() as server:
        client = await Client.connect(server.port)
        await client.reply()
        await trio.testing.wait_all_tasks_blocked()
        root = trio.lowlevel.current_root_task()
        tasks = [t for nursery in root.child_nurseries for t in _tasks(nursery)
                 if t.name == Steps().name]
        assert len(tasks) == 1
        assert _frames(tasks[0])[:3] == [
            "_Talk.run", "_Talk.until_message", "SocketConnection.receive_some"]
        await client.command(b"QUIT\r\n")


def test_a_connections_stream_objects_have_no_instance_dict() -> None:
    with socket.socket() as sock:
        connection = SocketConnection(sock)
        for stream in (connection, UpgradableStream(connection, None), AnyStream(connection)):
            assert not hasattr(stream, "__dict__"), type(stream).__name__


class _Watched(Exchange):
    """An Exchange that can be watched with a weak reference."""

    __slots__ = ("__weakref__",)


async def test_the_log_keeps_no_exchange_once_its_batch_is_written() -> None:
    # A burst of 1000 clients left every greeting in the log's last batch while it waited
    # for the next one (~750 octets a client, tracemalloc).
    send, receive = trio.open_memory_channel[PeerExchange](math.inf)
    greeting = Session(Policy()).greeting()
    watched = [_Watched(**{f.name: getattr(greeting, f.name) for f in fields(greeting)})
               for _ in range(3)]
    gone = [weakref.ref(exchange) for exchange in watched]
    for n, exchange in enumerate(watched):
        send.send_nowait(PeerExchange(f"S{n}", "127.0.0.1:1", exchange))
    del watched, exchange
    out = io.StringIO()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(print_log, receive, out, None)
        with trio.fail_after(GUARD):
            while out.getvalue().count("\n") < 3:
                await trio.sleep(LOG_INTERVAL)
        await trio.sleep(2 * LOG_INTERVAL)  # the log now waits for the next batch
        gc.collect()
        assert [ref() for ref in gone] == [None, None, None]
        await send.aclose()
