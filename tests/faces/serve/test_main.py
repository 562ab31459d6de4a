"""The ``smtp-sim serve`` process: real sockets, real signals, the log on its stdout."""

from __future__ import annotations

import gc
import mailbox
import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trio

from simulator.faces.serve.main import SIGNALS, _stop_on_signal
from simulator.options.records import ServeOptions
from simulator.server.deadlines import Stopping
from tests.replies_reader import wire
from tests.smtp_client import GUARD, serve_process, smtplib_send

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


def test_tls_port_in_use_names_the_tls_port_not_the_main_one(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        tls_port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "serve", "--port", "0", "--tls-port",
             str(tls_port)], capture_output=True, timeout=GUARD, check=False,
            env={**os.environ, "SMTP_SIM_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode().splitlines() == [
        f"smtp-sim serve: cannot listen on 127.0.0.1:{tls_port}: Address already in use"]


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "smtp-sim serve: cannot listen on 127.0.0.1:{port}: "),
    ("zh", "smtp-sim serve：无法在 127.0.0.1:{port} 上监听："),
])
def test_tls_port_in_use_with_a_chosen_main_port_leaves_nothing_bound(
        tmp_path: Path, lang: str, said: str) -> None:
    """``serve --port P --tls --tls-port T`` with T taken: the user is told T (in their
    language), the exit status is 1, nothing was announced, and P is free again."""
    with socket.socket() as taken, socket.socket() as probe:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        probe.bind(("127.0.0.1", 0))
        tls_port, port = taken.getsockname()[1], probe.getsockname()[1]
        probe.close()
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "serve", "--port", str(port), "--tls",
             "--tls-port", str(tls_port), "--lang", lang], capture_output=True, timeout=GUARD,
            check=False, env={**os.environ, "SMTP_SIM_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stdout == b""
    [line] = result.stderr.decode().splitlines()
    assert line.startswith(said.format(port=tls_port))
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))


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
        assert result.stderr.splitlines()[-1].startswith(b"smtp-sim serve: error: --"), option


def test_bad_time_and_memory_limits_say_what_to_give() -> None:
    for option, message in (
            (["--data-timeout", "0"], b"--data-timeout must be a positive number of seconds"),
            (["--data-block-timeout", "-1"],
             b"--data-block-timeout must be a positive number of seconds"),
            (["--memory-limit", "0"],
             b"--memory-limit must be at least 1 (MiB); use --maildir to keep everything")):
        result = subprocess.run([sys.executable, "-m", "simulator", "serve", *option],
                                capture_output=True, timeout=GUARD, check=False)
        assert result.returncode == 2, option
        # the usage, then the option's own sentence (argparse checks a value's shape)
        assert result.stderr.startswith(b"usage: smtp-sim serve"), option
        assert result.stderr.endswith(b"\nsmtp-sim serve: error: " + message + b"\n"), option




def test_a_terminal_that_stops_reading_stops_neither_serving_nor_shutdown() -> None:
    """The log's stdout is never read (think Ctrl-S): clients are still served, and
    SIGTERM still ends the server promptly."""
    with serve_process() as (proc, port):  # its stdout pipe is not read after the first line
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            replies = sock.makefile("rb")
            assert replies.readline().startswith(b"220 ")
            count = 3000  # far more log than a pipe buffer holds
            sock.sendall(b"HELO client.example\r\n" * count)  # not NOOP: junk after 100
            assert all(replies.readline().startswith(b"250 ") for _ in range(count))
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=GUARD) == 0
        assert time.monotonic() - started < 2


# -- signals --------------------------------------------------------------------------------

def keep_talking(sock: socket.socket, seconds: float) -> None:
    """Send NOOPs for ``seconds`` (so the server lingers over this client at shutdown)."""
    ends = time.monotonic() + seconds
    try:
        while time.monotonic() < ends:
            sock.sendall(b"NOOP\r\n")
            time.sleep(0.02)
    except OSError:
        pass  # the server closed: that is what we were waiting for


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_second_signal_during_shutdown_changes_nothing(signum: int) -> None:
    with (serve_process() as (proc, port),
          socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock):
        assert sock.recv(512) == wire("session.greeting")
        talker = threading.Thread(target=keep_talking, args=(sock, 1.5))
        talker.start()
        proc.send_signal(signum)
        for _ in range(5):  # the impatient instructor
            time.sleep(0.05)
            if proc.poll() is None:
                proc.send_signal(signum)
        _, err = proc.communicate(timeout=GUARD)
        talker.join()
    assert proc.returncode == 0
    assert err.count(signal.Signals(signum).name.encode()) == 1


def test_sighup_is_handled_as_sigterm() -> None:
    with serve_process() as (proc, port):
        socks = [socket.create_connection(("127.0.0.1", port), timeout=GUARD) for _ in range(2)]
        for sock in socks:
            assert sock.recv(512) == wire("session.greeting")
        code, out, err = stop(proc, signal.SIGHUP)
    assert code == 0
    for sock in socks:
        with sock:
            assert sock.recv(512) == wire("session.shutdown")
    assert out.count(b"(server stopping)  <- 421 4.3.2 ") == 2
    assert b"SIGHUP: closing every session and stopping" in err


async def test_a_signal_while_a_message_is_being_stored_says_exit_waits_for_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    stopping = Stopping()
    stopping.storing = 1

    async def one_signal() -> AsyncIterator[int]:
        yield signal.SIGTERM

    with trio.CancelScope() as scope:
        await _stop_on_signal(one_signal(), scope, stopping)
    assert scope.cancel_called
    err = capsys.readouterr().err
    assert "SIGTERM: closing every session and stopping" in err
    assert "waiting for 1 message being written to the store" in err


# -- the memory store's limit ----------------------------------------------------------------

def test_memory_limit_answers_452_when_full_and_keeps_serving() -> None:
    text = b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 600  # 600 kB
    with serve_process("--memory-limit", "1") as (proc, port):
        with smtplib.SMTP("127.0.0.1", port, timeout=GUARD) as client:
            client.ehlo("client.example")
            assert client.sendmail("a@b.example", ["c@d.example"], text) == {}
            with pytest.raises(smtplib.SMTPDataError) as full:
                client.sendmail("a@b.example", ["c@d.example"], text)
            assert full.value.smtp_code == 452
            assert full.value.smtp_error.startswith(b"4.3.1 Insufficient system storage")
            assert client.noop()[0] == 250
        code, _, err = stop(proc, signal.SIGTERM)
    assert code == 0
    assert err.count(b"the memory store is full") == 1


# -- serve's own words, in the chosen language -------------------------------------------------

@pytest.mark.parametrize(("argv", "zh"), [
    (["serve", "--port", "99999"], "--port 必须在 0 到 65535 之间，而不是 99999"),
    (["serve", "--max-clients", "0"], "--max-clients 至少为 1"),
    (["serve", "--timeout", "0"], "--timeout 必须是正的秒数"),
    (["serve", "--memory-limit", "0"], "--memory-limit 至少为 1（MiB）"),
    (["--connect", "host:port"], "--connect：应为 HOST:PORT"),
    (["run", "--connect", "host:port", "-"], "--connect：应为 HOST:PORT"),
])
def test_usage_errors_are_in_the_chosen_language(
        argv: list[str], zh: str, capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.cli.command import main

    try:
        status = main(["--lang", "zh", *argv])
    except SystemExit as done:  # argparse's refusal: a value of the wrong shape
        status = done.code
    assert status == 2
    assert zh in capsys.readouterr().err


def test_a_maildir_that_cannot_be_used_is_said_in_chinese(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.cli.command import main

    afile = tmp_path / "not-a-directory"
    afile.write_text("x")
    assert main(["--lang", "zh", "serve", "--maildir", str(afile)]) == 2
    assert f"smtp-sim serve：无法使用 Maildir {afile}：" in capsys.readouterr().err


async def test_waiting_for_stores_at_shutdown_is_said_in_chinese(
        capsys: pytest.CaptureFixture[str]) -> None:
    stopping = Stopping()
    stopping.storing = 2

    async def one_signal() -> AsyncIterator[int]:
        yield signal.SIGTERM

    with trio.CancelScope() as scope:
        await _stop_on_signal(one_signal(), scope, stopping, "zh")
    assert "正在等待 2 封邮件写入存储" in capsys.readouterr().err


def test_serving_in_process_leaves_the_signal_handlers_and_gc_as_it_found_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``serve`` run inside another program (a test run, for one) gives Ctrl-C and SIGTERM
    back when it returns: the dashboard's tests once left a whole pytest run deaf to both."""
    from simulator.cli.command import main

    before = {signum: signal.getsignal(signum) for signum in SIGNALS}
    threshold = gc.get_threshold()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert main(["serve", "--port", "0"]) == 0
    finally:
        timer.cancel()
    assert "stopping" in capsys.readouterr().err.lower()
    assert {signum: signal.getsignal(signum) for signum in SIGNALS} == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0


def test_the_error_options_slow_a_client_down_and_max_per_client_caps_it() -> None:
    with serve_process("--soft-error-limit", "1", "--error-sleep", "0.3",
                       "--max-per-client", "1") as (proc, port):
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            sock.recv(512)
            sock.sendall(b"X1\r\n")
            recv_until(sock, b"\r\n")
            start = time.monotonic()
            sock.sendall(b"X2\r\n")
            assert recv_until(sock, b"\r\n") == wire("syntax.unknown-command", verb="X2")
            assert time.monotonic() - start >= 0.3
            with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as second:
                assert recv_until(second, b"\r\n") == wire("session.too-many-from-client")
        code, out, _ = stop(proc, signal.SIGTERM)
    assert code == 0 and b"(after 0.3 s) 500 " in out


@pytest.mark.parametrize(("limit", "answered", "last"), [
    ("3", 23, "session.too-many-errors"), ("0", 200, "session.quit")])
def test_junk_command_limit_says_when_noops_start_to_count(limit: str, answered: int,
                                                           last: str) -> None:
    with serve_process("--junk-command-limit", limit, "--error-sleep", "0") as (proc, port):
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            replies = sock.makefile("rb")
            replies.readline()
            sock.sendall(b"NOOP\r\n" * 200 + b"QUIT\r\n")
            lines = replies.readlines()
        stop(proc, signal.SIGTERM)
    assert len(lines) == answered + 1 and lines[-1] == wire(last)
    assert all(line.startswith(b"250 2.0.0") for line in lines[:answered])


def test_on_loopback_sixty_connections_from_one_address_are_all_served() -> None:
    with serve_process() as (proc, port):
        socks = [socket.create_connection(("127.0.0.1", port), timeout=GUARD) for _ in range(60)]
        try:
            assert {recv_until(sock, b"\r\n") for sock in socks} == {wire("session.greeting")}
        finally:
            for sock in socks:
                sock.close()
        stop(proc, signal.SIGTERM)


@pytest.mark.parametrize(("argv", "cap"), [
    (["--host", "0.0.0.0"], 50), (["--host", "::"], 50), ([], 0),
    (["--host", "0.0.0.0", "--max-per-client", "5"], 5), (["--max-per-client", "2"], 2)])
def test_serve_caps_each_address_beyond_loopback_unless_told(argv: list[str], cap: int) -> None:
    from simulator.cli.command import parse_options
    from simulator.faces.serve.options import make_policy, tcp_options
    from simulator.server.secure import prepare, read_options

    options = parse_options(["serve", *argv])
    assert isinstance(options, ServeOptions)
    security = prepare(read_options(options.security), make_policy(options))
    assert tcp_options(options, security).max_per_client == cap
    assert (security.policy.error_sleep, security.policy.soft_error_limit) == (1.0, 10)
    assert security.policy.auth_failure_limit == 10


@pytest.mark.parametrize(("argv", "limit"), [([], 10), (["--auth-failure-limit", "3"], 3),
                                             (["--auth-failure-limit", "0"], 0)])
def test_serve_counts_auth_failures_per_address_by_default(argv: list[str], limit: int) -> None:
    from simulator.cli.command import parse_options
    from simulator.faces.serve.options import make_policy

    options = parse_options(["serve", *argv])
    assert isinstance(options, ServeOptions)
    assert make_policy(options).auth_failure_limit == limit



def test_a_log_fifo_nobody_reads_is_refused_not_waited_on(tmp_path: Path) -> None:
    """``--log`` opened plainly waited for a reader for ever (held-out attack on issue 18);
    now serve stops at once with status 2 and says what to do."""
    pipe = tmp_path / "log.jsonl"
    os.mkfifo(pipe)
    done = subprocess.run([sys.executable, "-m", "simulator", "serve", "--port", "0", "--log",
                           str(pipe)], capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done
    assert f"{pipe} is a pipe (FIFO) that no program reads" in done.stderr
