"""How many AUTH password guesses a second a client gets from ``smtp-sim serve`` on loopback.

The attacker of issue 18: CLIENTS connections at once, each sending wrong AUTH PLAIN
guesses (pipelined, GUESSES_AHEAD in flight) until the server closes it with 421, then
connecting again, for SECONDS. Counted: 535 replies received, per second of wall time. With
the error slowdown (``--error-sleep``, on by default in serve) each connection gets its first
guesses at once and then one a second until the hard limit; ``--max-per-client`` bounds how
many connections one address may hold (it applies on loopback only when given, so the run
passes it explicitly as EXTRA arguments).

Run: ``python bench/auth_guessing.py [--seconds 10] [--clients 50] [-- SERVE-ARGS...]``,
e.g. ``-- --error-sleep 0`` for the server as it was before the slowdown. Stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import re
import subprocess
import sys
import time
from pathlib import Path

import trio

HOST = "127.0.0.1"
GUESSES_AHEAD = 20
SMTP_SIM = str(Path(sys.executable).with_name("smtp-sim"))


def guess(n: int) -> bytes:
    token = base64.b64encode(f"\0student\0guess{n}".encode()).decode()
    return f"AUTH PLAIN {token}\r\n".encode()


async def attacker(port: int, until: float, tally: list[int]) -> None:
    """Guess over one connection after another until ``until``; count 535s in ``tally``."""
    n = 0
    while trio.current_time() < until:
        try:
            stream = await trio.open_tcp_stream(HOST, port)
        except OSError:
            await trio.sleep(0.01)
            continue
        async with stream:
            with trio.move_on_at(until), contextlib.suppress(trio.BrokenResourceError):
                buffer = b""
                await stream.send_all(b"EHLO guesser.example\r\n")
                closed = False
                while not closed:
                    await stream.send_all(b"".join(guess(n + i) for i in range(GUESSES_AHEAD)))
                    n += GUESSES_AHEAD
                    answered = 0
                    while answered < GUESSES_AHEAD and not closed:
                        data = await stream.receive_some(65536)
                        if not data:
                            closed = True
                            break
                        buffer += data
                        lines = buffer.split(b"\r\n")
                        buffer = lines.pop()
                        for line in lines:
                            if line.startswith(b"535"):
                                tally[0] += 1
                                answered += 1
                            elif line.startswith(b"421"):
                                closed = True


async def attack(port: int, clients: int, seconds: float) -> int:
    tally = [0]
    until = trio.current_time() + seconds
    async with trio.open_nursery() as nursery:
        for _ in range(clients):
            nursery.start_soon(attacker, port, until, tally)
    return tally[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("serve_args", nargs="*", help="more options for smtp-sim serve")
    args = parser.parse_args()
    server = subprocess.Popen([SMTP_SIM, "serve", "--port", "0", "--auth", *args.serve_args],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        found = re.search(r":(\d+)", first)
        if found is None:
            sys.exit(f"smtp-sim serve did not start: {first!r}")
        port = int(found.group(1))
        subprocess.Popen(["cat"], stdin=server.stdout, stdout=subprocess.DEVNULL)  # drain log
        start = time.monotonic()
        guesses = trio.run(attack, port, args.clients, args.seconds)
        elapsed = time.monotonic() - start
        print(f"{guesses} guesses in {elapsed:.1f} s over {args.clients} connections at a "
              f"time: {guesses / elapsed:,.0f} guesses/s  (serve {' '.join(args.serve_args)})")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
