"""``serve --web`` under a class: does the web face slow the SMTP students down?

Starts ``smtp-sim serve`` as users run it (its line log to /dev/null), once without and once
with ``--web`` (the order alternates between runs), and gives both the same class from this
process: ``--students`` TCP clients at once (300), each doing ``--transactions`` short
transactions with a mistake in each (MAIL before EHLO: 503; then EHLO, MAIL, RCPT, DATA, a
message, RSET), a think time between commands (``--think`` seconds, jittered), then QUIT.
With ``--web``, ``--pages`` pages (30) are opened and held: the first students' own pages and
/teacher (the HTML, then its Server-Sent Events stream, read as it comes). Every command's
round trip is timed (send to the last line of the reply). Printed per run: median, p99 and max
for each server, its CPU seconds, the events the pages read; then the median of the runs and
the ratios (the target of issue 25: the p99 with --web within 2x of without).

    .venv/bin/python bench/bench_web.py                  # 3 runs, about 3 minutes
    .venv/bin/python bench/bench_web.py --runs 1 --students 50 --transactions 1   # a quick look

Everything stays on 127.0.0.1 (free ports) and is bounded in count and time.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Final

import trio

HOST: Final = "127.0.0.1"
GUARD: Final = 30.0
"""Seconds any one step may take before the bench says the server is broken."""
MESSAGE: Final = b"Subject: bench\r\nFrom: a@school.example\r\n\r\nHello.\r\n.\r\n"


@dataclass
class Measured:
    """One server's figures in one run."""

    name: str
    times: list[float] = field(default_factory=list)
    events: int = 0
    failures: int = 0
    cpu: float = 0.0
    """CPU seconds the server process used while the class ran (steadier than the tail
    when other work shares the machine)."""

    def quantile(self, share: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0

    def line(self) -> str:
        if not self.times:
            return f"{self.name:12} no round trips ({self.failures} students failed)"
        pages = f", {self.events} events read by the pages" if self.events else ""
        return (f"{self.name:12} median {statistics.median(self.times) * 1000:7.2f} ms  "
                f"p99 {self.quantile(0.99) * 1000:7.2f} ms  max {max(self.times) * 1000:7.2f} ms"
                f"  server CPU {self.cpu:5.2f} s  (n={len(self.times)}, {self.failures} "
                f"students failed{pages})")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def reply_end(buffer: bytearray) -> int:
    """Where the first whole reply in ``buffer`` ends (0: none yet)."""
    start = 0
    while (newline := buffer.find(b"\r\n", start)) >= 0:
        line = buffer[start:newline]
        if len(line) == 3 or line[3:4] == b" ":
            return newline + 2
        start = newline + 2
    return 0


class Student:
    """One TCP client reading whole replies."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream, self.buffer = stream, bytearray()

    async def reply(self) -> bytes:
        while not (end := reply_end(self.buffer)):
            data = await self.stream.receive_some(65536)
            if not data:
                raise EOFError("the server closed the connection")
            self.buffer += data
        reply = bytes(self.buffer[:end])
        del self.buffer[:end]
        return reply

    async def timed(self, line: bytes, times: list[float]) -> bytes:
        started = time.perf_counter()
        await self.stream.send_all(line)
        reply = await self.reply()
        times.append(time.perf_counter() - started)
        return reply


def transaction(index: int, turn: int) -> list[bytes]:
    """One short transaction with a mistake (MAIL before EHLO, RFC 5321 §4.1.4)."""
    return [b"MAIL FROM:<s%d@school.example>\r\n" % index, b"EHLO pc%d.example\r\n" % index,
            b"MAIL FROM:<s%d@school.example>\r\n" % index,
            b"RCPT TO:<t%d@school.example>\r\n" % turn, b"DATA\r\n", MESSAGE, b"RSET\r\n"]


async def student(port: int, index: int, args: argparse.Namespace, measured: Measured,
                  pages: list[str]) -> None:
    rng = random.Random(index)
    await trio.sleep(rng.uniform(0, args.think))  # the class does not arrive in one instant
    try:
        with trio.fail_after(GUARD + args.transactions * 8 * args.think * 2):
            client = Student(await trio.open_tcp_stream(HOST, port))
            async with client.stream:
                greeting = (await client.reply()).decode()
                if "http://" in greeting:
                    pages.append(greeting[greeting.index("http://"):].split()[0])
                for turn in range(args.transactions):
                    for line in transaction(index, turn):
                        await trio.sleep(args.think * rng.uniform(0.5, 1.5))
                        await client.timed(line, measured.times)
                await client.timed(b"QUIT\r\n", measured.times)
    except (OSError, EOFError, trio.TooSlowError, trio.BrokenResourceError):
        measured.failures += 1


async def page(web_port: int, path: str, measured: Measured, done: trio.Event) -> None:
    """A browser's view of one page: the HTML, then its live stream held open and read."""
    with trio.fail_after(GUARD):
        stream = await trio.open_tcp_stream(HOST, web_port)
    async with stream:
        events = path.split("?")[0] + "/events?lang=en"
        request = (f"GET {events} HTTP/1.1\r\nHost: {HOST}:{web_port}\r\n"
                   "Accept: text/event-stream\r\n\r\n").encode()
        await stream.send_all(request)
        with trio.move_on_after(GUARD * 20):
            while not done.is_set():
                data = await stream.receive_some(65536)
                if not data:
                    return
                measured.events += data.count(b"\n\n")


async def html(web_port: int, path: str) -> None:
    with trio.fail_after(GUARD):
        stream = await trio.open_tcp_stream(HOST, web_port)
        async with stream:
            await stream.send_all(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{web_port}\r\n"
                                  "Connection: close\r\n\r\n".encode())
            while await stream.receive_some(65536):
                pass


async def class_at(port: int, web_port: int | None, args: argparse.Namespace,
                   measured: Measured) -> None:
    pages: list[str] = []
    done = trio.Event()
    async with trio.open_nursery() as nursery:
        async with trio.open_nursery() as students:
            for index in range(args.students):
                students.start_soon(student, port, index, args, measured, pages)
            if web_port is not None:
                nursery.start_soon(open_pages, web_port, args.pages, pages, measured, done)
        done.set()
        nursery.cancel_scope.cancel()


async def open_pages(web_port: int, count: int, pages: list[str], measured: Measured,
                     done: trio.Event) -> None:
    """/teacher and the first students' pages, each opened once its greeting named it."""
    paths = ["/teacher"]
    async with trio.open_nursery() as nursery:
        with trio.move_on_after(GUARD):
            while len(paths) < count:
                if pages:
                    paths.append("/" + pages.pop(0).split("/", 3)[3])
                else:
                    await trio.sleep(0.01)
        for path in paths:
            await html(web_port, path)
            nursery.start_soon(page, web_port, path, measured, done)


def start(argv: list[str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", str(port),
                             "--max-clients", "1000", *argv],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=GUARD) as sock:
                if sock.recv(512).startswith(b"220"):
                    return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    _, said = proc.communicate()
    raise RuntimeError(f"serve did not greet on port {port}: {said.decode(errors='replace')}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (/proc/PID/stat, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(web: bool, args: argparse.Namespace) -> Measured:
    port, web_port = free_port(), free_port() if web else None
    proc = start([] if web_port is None else ["--web", str(web_port)], port)
    measured = Measured("with --web" if web else "without")
    try:
        before = cpu_seconds(proc.pid)
        trio.run(class_at, port, web_port, args, measured)
        measured.cpu = cpu_seconds(proc.pid) - before
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=GUARD)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--transactions", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds between a student's commands (jittered 0.5x-1.5x)")
    args = parser.parse_args(argv)
    rows: list[tuple[Measured, Measured]] = []
    for run in range(1, args.runs + 1):
        order = (False, True) if run % 2 else (True, False)
        found = {web: measure(web, args) for web in order}
        rows.append((found[False], found[True]))
        print(f"run {run}:")
        for measured in (found[False], found[True]):
            print("  " + measured.line())
        print(f"  p99 with --web / without: "
              f"{found[True].quantile(0.99) / found[False].quantile(0.99):.2f}x", flush=True)
    print(f"median of {args.runs} runs ({args.students} students, {args.pages} pages):")
    for name, pick in (("without", 0), ("with --web", 1)):
        medians = [statistics.median(pair[pick].times) * 1000 for pair in rows]
        p99s = [pair[pick].quantile(0.99) * 1000 for pair in rows]
        print(f"  {name:12} median {statistics.median(medians):7.2f} ms  "
              f"p99 {statistics.median(p99s):7.2f} ms  (p99 per run: "
              + ", ".join(f"{p:.2f}" for p in p99s) + ")")
    cpu = [pair[1].cpu / pair[0].cpu for pair in rows if pair[0].cpu]
    print(f"  server CPU with --web / without {statistics.median(cpu or [0.0]):.2f}x (runs: "
          + ", ".join(f"{c:.2f}x" for c in cpu) + ")")
    ratios = [pair[1].quantile(0.99) / pair[0].quantile(0.99) for pair in rows]
    print(f"  p99 ratio {statistics.median(ratios):.2f}x (runs: "
          + ", ".join(f"{r:.2f}x" for r in ratios) + "; target <= 2.0x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
