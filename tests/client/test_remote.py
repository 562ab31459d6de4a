"""A real server over TCP: replies cut from the stream however they arrive, and bounded."""
from __future__ import annotations

import contextlib

import pytest
import trio

from simulator.client.connection import explain
from simulator.client.errors import connect_error, reason_key
from simulator.client.remote import TcpConnection
from simulator.lessons.ui import text
from tests.wording import opening, says


async def test_replies_in_pieces_garbage_and_a_silent_close(nursery: trio.Nursery) -> None:
    async def odd_server(stream: trio.SocketStream) -> None:
        await stream.send_all(b"220-first")
        await trio.sleep(0.01)
        await stream.send_all(b" line\r\n220 ready\r\n")
        await stream.receive_some(100)
        await stream.send_all(b"hello \x1b[2Jthere\r\n")
        await stream.receive_some(100)
        await stream.aclose()

    listeners = await nursery.start(
        lambda task_status: trio.serve_tcp(odd_server, 0, host="127.0.0.1",
                                           task_status=task_status))
    port = listeners[0].socket.getsockname()[1]
    connection = TcpConnection("127.0.0.1", port)
    greeting = await connection.start()
    assert [a.code for a in greeting.answers] == [220]
    assert greeting.answers[0].lines == ("first line", "ready")
    garbage = await connection.send(b"NOOP\r\n")
    assert [a.code for a in garbage.answers] == [0]
    assert explain(garbage.answers[0], "en") is None
    silent = await connection.send(b"NOOP\r\n")
    assert silent.answers == () and connection.closed
    await connection.aclose()


async def test_an_endless_reply_is_cut_and_the_client_disconnects(nursery: trio.Nursery) -> None:
    sent = 0

    async def endless(stream: trio.SocketStream) -> None:
        nonlocal sent
        line = b"220-" + b"x" * 70 + b"\r\n"
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            while True:
                await stream.send_all(line * 100)
                sent += 100

    listeners = await nursery.start(
        lambda task_status: trio.serve_tcp(endless, 0, host="127.0.0.1",
                                           task_status=task_status))
    port = listeners[0].socket.getsockname()[1]
    connection = TcpConnection("127.0.0.1", port)
    greeting = await connection.start()
    assert [(a.code, a.problem) for a in greeting.answers] == [(0, "connect.reply-too-long")]
    assert len(greeting.answers[0].wire) < 1000
    assert connection.closed
    assert text(greeting.answers[0].problem, "en") == text("connect.reply-too-long", "en")


async def test_no_connection_in_time_is_a_timeout_that_says_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A host that never answers the SYN (a firewall dropping it): given up after
    ``connect_wait``, not after the kernel's two minutes."""
    async def never(host: str, port: int) -> trio.SocketStream:
        await trio.sleep_forever()
        raise AssertionError("unreachable")

    monkeypatch.setattr(trio, "open_tcp_stream", never)
    connection = TcpConnection("192.0.2.1", 25, connect_wait=0.2)
    with trio.fail_after(5), pytest.raises(OSError) as raised:
        await connection.start()
    assert reason_key(raised.value) == "connect.timed-out"
    assert connect_error(raised.value, connection.peer, "en") == text(
        "connect.cannot", "en", peer="192.0.2.1:25", reason=text("connect.timed-out", "en"))


@pytest.mark.parametrize(("server_says", "key", "fields"), [
    (None, "connect.no-greeting", {"seconds": 0.2}),
    (b"", "connect.closed-early", {}),
])
async def test_a_server_without_a_greeting_is_given_up_and_said(
        nursery: trio.Nursery, server_says: bytes | None, key: str,
        fields: dict[str, object]) -> None:
    async def no_greeting(stream: trio.SocketStream) -> None:
        if server_says is None:
            await trio.sleep_forever()
        await stream.aclose()

    listeners = await nursery.start(trio.serve_tcp, no_greeting, 0)
    port = listeners[0].socket.getsockname()[1]
    connection = TcpConnection("127.0.0.1", port, connect_wait=0.2)
    assert connection.view().connecting
    with trio.fail_after(5), pytest.raises(OSError) as raised:
        await connection.start()
    assert reason_key(raised.value) == key
    assert says(connect_error(raised.value, connection.peer, "en"), key, **fields)
    assert connection.closed and not connection.view().connecting
    assert connect_error(raised.value, connection.peer, "zh").startswith(
        opening("connect.cannot", "zh", peer=connection.peer))


async def test_the_view_says_connecting_until_the_greeting(nursery: trio.Nursery) -> None:
    async def greeter(stream: trio.SocketStream) -> None:
        await stream.send_all(b"220 ok\r\n")
        await stream.receive_some(100)

    listeners = await nursery.start(trio.serve_tcp, greeter, 0)
    connection = TcpConnection("127.0.0.1", listeners[0].socket.getsockname()[1])
    assert connection.view().connecting
    await connection.start()
    assert not connection.view().connecting
    await connection.aclose()
