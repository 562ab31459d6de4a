"""The abuse runs of ``bench_server.py``: smtp-sim bounded against slow and greedy clients.

- slowloris: TRICKLERS clients connect and send a command line one octet at a time; while
  they are connected, NEWCOMERS clients each try a short session (220, EHLO, QUIT): the share
  of newcomers served. Then, with ``--max-clients`` equal to the tricklers and a short
  ``--timeout``: how long until the tricklers were cut off (421 4.4.2) and a newcomer served.
- memory store: MESSAGES messages of MESSAGE_OCTETS each into the default memory store
  (256 MiB): how many were accepted, how many refused with 452, the server's RSS after.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Callable

HOST = "127.0.0.1"
TRICKLERS = 200
NEWCOMERS = 100
SHORT_TIMEOUT = 5.0
MESSAGES = 30
MESSAGE_OCTETS = 9_500_000

Spawn = Callable[[list[str]], "tuple[subprocess.Popen[bytes], int]"]


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=30)
    sock.recv(512)  # the greeting (or the 421 of a full server)
    return sock


def _newcomer(port: int) -> bool:
    """One short session; True when it was served (220, 250 to EHLO, 221)."""
    with contextlib.suppress(OSError, smtplib.SMTPException), smtplib.SMTP(HOST, port,
                                                                            timeout=30) as c:
        return c.ehlo("newcomer.example")[0] == 250 and c.quit()[0] == 221
    return False


def _trickle(socks: list[socket.socket], octet: bytes = b"N") -> int:
    """One octet to each trickler; how many are still connected."""
    alive = 0
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.sendall(octet)
            alive += 1
    return alive


def slowloris(spawn: Spawn) -> list[str]:
    notes = []
    proc, port = spawn(["--max-clients", str(TRICKLERS + NEWCOMERS + 10)])
    try:
        tricklers = [_connect(port) for _ in range(TRICKLERS)]
        served = 0
        for n in range(NEWCOMERS):
            if n % 10 == 0:
                _trickle(tricklers)
            served += _newcomer(port)
        notes.append(f"slowloris: {TRICKLERS} clients trickling a line, {served} of "
                     f"{NEWCOMERS} newcomers served ({served / NEWCOMERS:.0%})")
        for sock in tricklers:
            sock.close()
    finally:
        _stop(proc)
    proc, port = spawn(["--max-clients", str(TRICKLERS), "--timeout", str(SHORT_TIMEOUT)])
    try:
        tricklers = [_connect(port) for _ in range(TRICKLERS)]
        started = time.perf_counter()
        refused = not _newcomer(port)
        while time.perf_counter() - started < SHORT_TIMEOUT * 4:
            _trickle(tricklers)
            if _newcomer(port):
                break
            time.sleep(0.25)
        waited = time.perf_counter() - started
        cut = sum(b"421 4.4.2" in _drain(sock) for sock in tricklers)
        notes.append(f"slowloris, --max-clients {TRICKLERS} --timeout {SHORT_TIMEOUT:g}: a "
                     f"newcomer {'refused at first, ' if refused else ''}served after "
                     f"{waited:.1f} s; {cut} of {TRICKLERS} tricklers got 421 4.4.2")
    finally:
        _stop(proc)
    return notes


def _drain(sock: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(OSError), sock:
        sock.settimeout(1.0)
        while more := sock.recv(4096):
            data += more
    return data


def memory_store(spawn: Spawn, rss: Callable[[int], int]) -> list[str]:
    proc, port = spawn([])
    try:
        before = rss(proc.pid)
        line = b"x" * 998 + b"\r\n"
        text = b"Subject: big\r\n\r\n" + line * (MESSAGE_OCTETS // len(line))
        accepted = refused = 0
        with smtplib.SMTP(HOST, port, timeout=120) as client:
            client.ehlo("big.example")
            for _ in range(MESSAGES):
                try:
                    client.sendmail("a@b.example", ["c@d.example"], text)
                    accepted += 1
                except smtplib.SMTPDataError as err:
                    refused += err.smtp_code == 452
        after = rss(proc.pid)
    finally:
        _stop(proc)
    return [f"memory store: {MESSAGES} messages of {MESSAGE_OCTETS / 1e6:.1f} MB: {accepted} "
            f"accepted, {refused} refused with 452 4.3.1 (256 MiB cap); RSS "
            f"{before / 2**20:.0f} MiB before, {after / 2**20:.0f} MiB after"]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def spawn_smtp_sim(extra: list[str], free_port: Callable[[], int],
                   wait: Callable[[int], object]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--host", HOST,
                             "--port", str(port), *extra], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait(port)
    return proc, port
