"""How many AUTH password guesses a second a client gets from ``smtp-sim serve`` on loopback.

The attacker of issue 18: CLIENTS connections at once, each sending wrong AUTH PLAIN guesses
(pipelined, GUESSES_AHEAD in flight) until the server closes it with 421, then connecting again
(or, with ``--reconnect-every N``, after N failures: the held-out attacker of issue 18
reconnected after 10, before the error slowdown began), for SECONDS. Counted: 535 replies
received, per second of wall time. With the error slowdown (``--error-sleep``, on by default in
serve) each connection gets its first guesses at once and then one a second until the hard
limit; ``--max-per-client`` bounds how many connections one address may hold (it applies on
loopback only when given, so the run passes it explicitly as EXTRA arguments);
``--auth-failure-limit`` (10 a minute by default) slows down every connection of an address
that keeps failing, so reconnecting gains nothing.

Run: ``python bench/auth_guessing.py [--seconds 10] [--clients 50] [--reconnect-every N]
[-- SERVE-ARGS...]``, e.g. ``-- --error-sleep 0`` for the server as it was before the slowdown,
``--reconnect-every 10 -- --auth-failure-limit 0`` as it was before the per-address count.
Stays on 127.0.0.1.
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


async def attacker(port: int, until: float, tally: list[int], every: int) -> None:
    """Guess over one connection after another until ``until``; count 535s in ``tally``.
    A connection ends at the server's 421, or after ``every`` failures when ``every``."""
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
                closed, failed = False, 0
                while not closed:
                    ahead = min(GUESSES_AHEAD, every - failed) if every else GUESSES_AHEAD
                    await stream.send_all(b"".join(guess(n + i) for i in range(ahead)))
                    n += ahead
                    answered = 0
                    while answered < ahead and not closed:
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
                    failed += answered
                    closed = closed or failed == every


async def attack(port: int, clients: int, seconds: float, every: int) -> int:
    tally = [0]
    until = trio.current_time() + seconds
    async with trio.open_nursery() as nursery:
        for _ in range(clients):
            nursery.start_soon(attacker, port, until, tally, every)
    return tally[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--reconnect-every", type=int, default=0, metavar="N",
                        help="reconnect after N failed guesses (default: at the server's 421)")
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
        guesses = trio.run(attack, port, args.clients, args.seconds, args.reconnect_every)
        elapsed = time.monotonic() - start
        every = f", reconnecting every {args.reconnect_every}" if args.reconnect_every else ""
        print(f"{guesses} guesses in {elapsed:.1f} s over {args.clients} connections at a "
              f"time{every}: {guesses / elapsed:,.0f} guesses/s  "
              f"(serve {' '.join(args.serve_args)})")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
