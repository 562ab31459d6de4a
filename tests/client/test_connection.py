"""The client side below every face: a real server's replies cut from TCP, ``HOST:PORT``
parsing, and the layer rule (the console and ``run`` share it, prompt_toolkit stays out)."""

from __future__ import annotations

import contextlib
import subprocess
import sys

import pytest
import trio

from simulator.client import TcpConnection, explain, parse_peer
from simulator.lessons.ui import text


def test_client_and_transcript_do_not_import_the_console() -> None:
    code = ("import sys, simulator.client, simulator.faces.run; "
            "print(sorted({m for m in sys.modules if m.startswith("
            "('simulator.faces.console', 'prompt_toolkit'))}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


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


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1:2525", ("127.0.0.1", 2525)), ("localhost", ("localhost", 25)),
    ("[::1]:25", ("::1", 25)), ("[::1]", ("::1", 25)),
])
def test_parse_peer(text: str, expected: tuple[str, int]) -> None:
    assert parse_peer(text) == expected


@pytest.mark.parametrize("text", ["host:port", ":25", "h:0", "h:70000"])
def test_parse_peer_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_peer(text)


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
