"""Real TCP: smtplib, swaks, curl and nc against serve_tcp, and the ``smtp-sim serve`` process."""

from __future__ import annotations

import io
import mailbox
import math
import signal
import smtplib
import socket
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import trio
import trio.testing

from simulator.faces.serve import LogDrops, is_loopback, print_log, url_host
from simulator.protocol import Policy, Session
from simulator.server import PeerExchange, serve_tcp
from simulator.server.store import MemoryStore
from tests.replies_reader import wire
from tests.smtp_client import GUARD, TRANSACTION, Client, running_server, serve_process

TEXT = b"Subject: hello\r\nFrom: ann@example.org\r\n\r\nHi Bob.\r\n"


def smtplib_send(port: int, count: int = 1) -> list[tuple[int, bytes]]:
    """Send ``count`` messages on one connection with Python's smtplib; the final replies."""
    with smtplib.SMTP("127.0.0.1", port, timeout=GUARD) as client:
        client.ehlo("client.example")
        replies = []
        for _ in range(count):
            client.mail("ann@example.org")
            client.rcpt("bob@example.net")
            replies.append(client.data(TEXT))
        client.quit()
    return replies


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


async def test_the_feed_names_peer_and_session() -> None:
    async with running_server() as server:
        client = await Client.connect(server.port)
        await client.reply()
        await client.command(b"QUIT\r\n")
        first, second = server.feed.receive_nowait(), server.feed.receive_nowait()
        local_port = client.stream.socket.getsockname()[1]
        assert (first.session_id, first.peer) == ("S1", f"127.0.0.1:{local_port}")
        assert [first.exchange.reply.key, second.exchange.reply.key] == [
            "session.greeting", "session.quit"]


async def test_the_log_says_how_many_exchanges_it_had_no_room_for() -> None:
    drops = LogDrops()
    send, receive = trio.open_memory_channel[PeerExchange](2)  # room for two log lines
    async with trio.open_nursery() as nursery:
        port = await nursery.start(partial(serve_tcp, policy=Policy(), store=MemoryStore(),
                                           port=0, feed=send, on_drop=drops.add))
        client = await Client.connect(port)
        await client.reply()
        for _ in range(5):
            assert await client.command(b"NOOP\r\n") == wire("session.noop")
        assert await client.command(b"QUIT\r\n") == wire("session.quit")
        nursery.cancel_scope.cancel()
    send.close()
    out = io.StringIO()
    await print_log(receive, out, drops)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith(" -> (connected)  <- " + wire("session.greeting").decode().strip())
    assert lines[1].endswith(" -> NOOP  <- " + wire("session.noop").decode().strip())
    assert lines[2] == "... 5 log lines dropped (the terminal could not keep up)"


async def test_the_log_reports_drops_once_and_says_line_for_one() -> None:
    drops = LogDrops()
    send, receive = trio.open_memory_channel[PeerExchange](math.inf)
    greeting = Session(Policy()).greeting()
    out = io.StringIO()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(print_log, receive, out, drops)
        async with send:
            drops.add()
            await send.send(PeerExchange("S1", "127.0.0.1:1", greeting))
            await trio.testing.wait_all_tasks_blocked()
            await send.send(PeerExchange("S2", "127.0.0.1:2", greeting))
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["S1", "...", "S2"]
    assert lines[1] == "... 1 log line dropped (the terminal could not keep up)"


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


# -- the smtp-sim serve process -------------------------------------------------------------

def recv_until(sock: socket.socket, ending: bytes) -> bytes:
    """What the server sends up to and including ``ending``."""
    data = b""
    while not data.endswith(ending):
        more = sock.recv(4096)
        assert more, data
        data += more
    return data


def stop(proc: subprocess.Popen[bytes], signum: int) -> tuple[int, bytes, bytes]:
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=GUARD)
    return proc.returncode, out, err


def test_serve_process_logs_each_exchange_escaped() -> None:
    with serve_process("--no-timestamps") as (proc, port):
        smtplib_send(port)
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            sock.recv(512)
            sock.sendall(b"NOOP \x1b[2J\x07 evil\r\n")
            assert sock.recv(512) == wire("session.noop")
        code, out, _ = stop(proc, signal.SIGTERM)
    assert code == 0
    lines = out.decode("utf-8").splitlines()
    assert lines[0].startswith("S1 127.0.0.1:")
    assert " -> (connected)  <- 220 " in lines[0]
    assert any(" -> mail FROM:<ann@example.org>  <- 250 2.1.0 " in line for line in lines)
    assert any(line.endswith("-> NOOP \\x1b[2J\\x07 evil  <- 250 2.0.0 OK") for line in lines)
    assert b"\x1b" not in out and b"\x07" not in out
    assert b"dropped" not in out


def test_sigterm_sends_421_to_connected_clients_and_exits_0() -> None:
    with serve_process() as (proc, port):
        socks = [socket.create_connection(("127.0.0.1", port), timeout=GUARD) for _ in range(3)]
        for sock in socks:
            assert sock.recv(512) == wire("session.greeting")
        socks[0].sendall(b"EHLO client.example\r\nMAIL FROM:<a@b.example>\r\n")
        assert recv_until(socks[0], wire("mail.accepted", path="a@b.example"))
        code, out, err = stop(proc, signal.SIGTERM)
    assert code == 0
    for sock in socks:
        with sock:
            assert sock.recv(512).endswith(wire("session.shutdown"))
    assert out.count(b"(server stopping)  <- 421 4.3.2 ") == 3
    assert b"SIGTERM" in err


def test_sigint_also_stops_cleanly() -> None:
    with (serve_process("--hostname", "mx.school.example") as (proc, port),
          socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock):
        assert sock.recv(512) == wire("session.greeting", host="mx.school.example")
        code, _, _ = stop(proc, signal.SIGINT)
        assert sock.recv(512) == wire("session.shutdown", host="mx.school.example")
    assert code == 0


def test_serve_process_writes_a_maildir(tmp_path: Path) -> None:
    with serve_process("--maildir", str(tmp_path / "mail")) as (proc, port):
        smtplib_send(port, 2)
        stop(proc, signal.SIGTERM)
    messages = sorted(mailbox.Maildir(tmp_path / "mail"), key=lambda m: m["Received"])
    assert [m["Subject"] for m in messages] == ["hello", "hello"]
    assert all(m["Return-Path"] == "<ann@example.org>" for m in messages)


def test_serve_process_max_size_and_bare_lf_options() -> None:
    with serve_process("--max-size", "1000", "--accept-bare-lf") as (proc, port):
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            sock.recv(512)
            sock.sendall(b"EHLO client.example\n")
            assert b"250-SIZE 1000\r\n" in sock.recv(1024)
        stop(proc, signal.SIGTERM)


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "simulator", "serve", "--port", str(port)],
                                capture_output=True, timeout=GUARD, check=False)
    assert result.returncode == 1
    assert result.stdout == b""
    assert f"cannot listen on 127.0.0.1:{port}".encode() in result.stderr


def test_non_loopback_address_gets_a_warning() -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): not on this machine, so nothing is actually exposed.
    result = subprocess.run([sys.executable, "-m", "simulator", "serve", "--host", "192.0.2.1",
                             "--port", "0"], capture_output=True, timeout=GUARD, check=False)
    warning, *rest = result.stderr.decode().splitlines()
    assert warning.startswith("warning: listening on 192.0.2.1: anyone who can reach")
    assert rest and rest[0].startswith("smtp-sim serve: cannot listen on 192.0.2.1")
    assert result.returncode == 1


def test_bad_options_exit_2() -> None:
    for option in (["--hostname", "evil\r\n250 x"], ["--max-clients", "0"], ["--port", "70000"],
                   ["--timeout", "0"], ["--max-size", "-5"]):
        result = subprocess.run([sys.executable, "-m", "simulator", "serve", *option],
                                capture_output=True, timeout=GUARD, check=False)
        assert result.returncode == 2, option
        assert result.stderr.startswith(b"smtp-sim serve: "), option


def test_loopback_and_url_helpers() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    assert url_host("::1") == "[::1]" and url_host("127.0.0.1") == "127.0.0.1"


def test_a_terminal_that_stops_reading_stops_neither_serving_nor_shutdown() -> None:
    """The log's stdout is never read (think Ctrl-S): clients are still served, and
    SIGTERM still ends the server promptly."""
    with serve_process() as (proc, port):  # its stdout pipe is not read after the first line
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            replies = sock.makefile("rb")
            assert replies.readline().startswith(b"220 ")
            count = 3000  # far more log than a pipe buffer holds
            sock.sendall(b"NOOP\r\n" * count)
            assert all(replies.readline().startswith(b"250 2.0.0") for _ in range(count))
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=GUARD) == 0
        assert time.monotonic() - started < 2
