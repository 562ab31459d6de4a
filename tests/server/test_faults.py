"""Faults over real TCP: clients that vanish, crowd in, send garbage, or are cut off by shutdown.

Each test checks that one client's trouble stays its own and that nothing half-sent is kept.
"""

from __future__ import annotations

import random
import resource
import signal
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trio
import trio.testing

from simulator.server.store import MaildirStore
from tests.replies_reader import ReplyReader, wire
from tests.smtp_client import GUARD, Client, running_server, serve_process

BURST = 1000
"""Connections opened at once (trio keeps the kernel's full listen backlog)."""
SPARE_DESCRIPTORS = 100
"""Descriptors a process needs besides the burst's sockets (listener, pipes, Python itself)."""


def reset(client: Client) -> None:
    """Close with an RST instead of a FIN, like a client that crashed (SO_LINGER 0)."""
    client.stream.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.stream.socket.close()


async def test_disconnect_mid_data_stores_nothing_and_others_go_on() -> None:
    async with running_server() as server:
        leaving, staying = await Client.connect(server.port), await Client.connect(server.port)
        await leaving.reply()
        await staying.reply()
        await leaving.start_message()
        await staying.start_message()
        await leaving.stream.send_all(b"Subject: lost\r\n\r\nhalf a messa")
        await leaving.aclose()
        await trio.testing.wait_all_tasks_blocked()  # the server has read the half and the EOF
        assert await staying.command(b"Subject: kept\r\n\r\nwhole\r\n.\r\n") == wire(
            "data.accepted", queue_id="S2-1")
    # The server has stopped: every session, the departed one too, is over.
    assert [s.message.queue_id for s in server.store.messages()] == ["S2-1"]


async def test_reset_mid_data_stores_nothing_and_the_server_goes_on() -> None:
    async with running_server() as server:
        crashing = await Client.connect(server.port)
        await crashing.reply()
        await crashing.start_message()
        await crashing.stream.send_all(b"Subject: lost\r\n\r\n" + b"x" * 100_000)
        reset(crashing)
        await trio.testing.wait_all_tasks_blocked()  # the server has seen the reset
        later = await Client.connect(server.port)
        assert await later.reply() == wire("session.greeting")
        assert await later.send_message(b"Subject: later\r\n\r\nok\r\n") == wire(
            "data.accepted", queue_id="S2-1")
    assert [s.message.queue_id for s in server.store.messages()] == ["S2-1"]


async def test_two_hundred_concurrent_sessions_all_land_in_the_maildir(tmp_path: Path) -> None:
    store = MaildirStore(tmp_path)
    replies: list[bytes] = []

    async def one_session(port: int, n: int) -> None:
        client = await Client.connect(port)
        await client.reply()
        await client.start_message()
        replies.append(await client.command(f"Subject: message {n}\r\n\r\nbody\r\n.\r\n".encode()))
        await client.command(b"QUIT\r\n")
        await client.aclose()

    async with running_server(store=store) as server, trio.open_nursery() as clients:
        for n in range(200):
            clients.start_soon(one_session, server.port, n)
    assert len(replies) == 200
    assert all(reply.startswith(b"250 2.0.0 OK: message accepted as S") for reply in replies)
    subjects = {stored.message.content.split(b"Subject: ")[1].split(b"\r\n")[0]
                for stored in MaildirStore(tmp_path).messages()}
    assert subjects == {f"message {n}".encode() for n in range(200)}
    assert len(list((tmp_path / "new").iterdir())) == 200


async def test_shutdown_reaches_clients_in_every_state() -> None:
    async with running_server() as server:
        clients = [await Client.connect(server.port) for _ in range(60)]
        for n, client in enumerate(clients):
            await client.reply()
            if n % 3 == 1:
                await client.command(b"EHLO client.example\r\n")
            elif n % 3 == 2:
                await client.start_message()
                await client.stream.send_all(b"Subject: unfinished\r\n")
        server.scope.cancel()
    for client in clients:
        assert await client.reply() == wire("session.shutdown")
        assert await client.eof()
    assert server.store.messages() == []


async def test_random_bytes_from_many_clients_never_hurt_a_good_one() -> None:
    rng = random.Random(3)
    async with running_server() as server:

        async def noisy() -> None:
            client = await Client.connect(server.port)
            await client.reply()
            with trio.move_on_after(5):
                for _ in range(20):
                    await client.stream.send_all(rng.randbytes(rng.randrange(1, 3000)))
            reset(client)

        async with trio.open_nursery() as nursery:
            for _ in range(20):
                nursery.start_soon(noisy)
            good = await Client.connect(server.port)
            assert await good.reply() == wire("session.greeting")
            reply = await good.send_message(b"Subject: fine\r\n\r\nfine\r\n")
            assert reply.startswith(b"250 2.0.0 OK: message accepted as S")
            assert await good.command(b"QUIT\r\n") == wire("session.quit")


@pytest.fixture
def burst_descriptors() -> Iterator[None]:
    """Raise this process's soft RLIMIT_NOFILE to its hard limit for the test, then restore it.

    The client end of every connection lives here and the server end in the child process,
    which inherits the limit; if BURST sockets cannot fit, the test is skipped and says why.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = BURST + SPARE_DESCRIPTORS
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    elif hard == resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    try:
        if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < needed:
            pytest.skip(f"a burst of {BURST} connections needs {needed} file descriptors per "
                        f"process; the hard RLIMIT_NOFILE here is {hard}")
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.usefixtures("burst_descriptors")
async def test_a_burst_of_connects_is_all_greeted() -> None:
    with serve_process("--max-clients", str(BURST)) as (proc, port):
        assert proc.stdout is not None
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # the log, unread
        greetings = await burst(port)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(GUARD) == 0
    assert greetings == [wire("session.greeting")] * BURST


async def burst(port: int) -> list[bytes]:
    """Open BURST connections at once, then read each one's first reply."""
    streams: list[trio.SocketStream] = []

    async def connect() -> None:
        sock = trio.socket.socket()
        streams.append(trio.SocketStream(sock))
        await sock.connect(("127.0.0.1", port))

    async with trio.open_nursery() as nursery:
        for _ in range(BURST):
            nursery.start_soon(connect)
    greetings: list[bytes] = []

    async def greeting(stream: trio.SocketStream) -> None:
        greetings.append(await ReplyReader(stream).reply())

    with trio.fail_after(GUARD):  # hang guard only
        async with trio.open_nursery() as nursery:
            for stream in streams:
                nursery.start_soon(greeting, stream)
    for stream in streams:
        await stream.aclose()
    return greetings


async def test_a_client_that_never_reads_is_cut_off_by_the_idle_timeout() -> None:
    async with running_server(idle_timeout=0.3) as server:
        sock = trio.socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        await sock.connect(("127.0.0.1", server.port))
        pipelined = b"NOOP\r\n" * 1000
        try:
            with trio.fail_after(30):  # hang guard only
                while await sock.send(pipelined):
                    pass
        except OSError:
            pass  # the server gave up on us: reset, or broken pipe
        sock.close()
        other = await Client.connect(server.port)
        assert await other.reply() == wire("session.greeting")
