"""Micro-benchmark: commands per second through Session.receive_data (no I/O at all).

One "typical transaction" is EHLO, MAIL, RCPT, DATA with a 1 KiB body, the final dot, QUIT:
six commands. It is fed one line per call (as a chatty client would) and all at once (as a
pipelining client would). Run: ``python bench/bench_engine.py [--seconds 3]``.
Absolute numbers depend on the machine; compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import statistics
import time

from simulator.protocol import Session

BODY = b"Subject: benchmark\r\n\r\n" + (b"x" * 78 + b"\r\n") * 13
LINES = [b"EHLO client.example\r\n", b"MAIL FROM:<alice@example.org> SIZE=1200\r\n",
         b"RCPT TO:<bob@example.net>\r\n", b"DATA\r\n", BODY + b".\r\n", b"QUIT\r\n"]
COMMANDS_PER_SESSION = 6


def one_session(pipelined: bool) -> None:
    session = Session()
    session.greeting()
    if pipelined:
        session.receive_data(b"".join(LINES))
    else:
        for line in LINES:
            session.receive_data(line)
    assert session.messages_accepted == 1 and session.closed


def rate(pipelined: bool, seconds: float) -> tuple[list[float], list[float]]:
    """Commands per second, and the process's CPU microseconds per session, in several
    rounds (on a machine shared with other work the CPU time is the steadier of the two)."""
    rounds, cpu = [], []
    for _ in range(5):
        count, start, cpu_start = 0, time.perf_counter(), time.process_time()
        while (elapsed := time.perf_counter() - start) < seconds / 5:
            one_session(pipelined)
            count += 1
        rounds.append(count * COMMANDS_PER_SESSION / elapsed)
        cpu.append((time.process_time() - cpu_start) / count * 1e6)
    return rounds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    for label, pipelined in (("line by line", False), ("pipelined", True)):
        rounds, cpu = rate(pipelined, args.seconds)
        print(f"{label:>13}: median {statistics.median(rounds):>9,.0f} commands/s "
              f"(min {min(rounds):,.0f}, max {max(rounds):,.0f}); CPU per session: median "
              f"{statistics.median(cpu):,.1f} µs (min {min(cpu):,.1f})")


if __name__ == "__main__":
    main()
