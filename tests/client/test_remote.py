"""A real server over TCP: replies cut from the stream however they arrive, and bounded."""
from __future__ import annotations

import contextlib

import trio

from simulator.client import TcpConnection, explain
from simulator.lessons.ui import text


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
    assert "reply is too long" in text(greeting.answers[0].problem, "en")
