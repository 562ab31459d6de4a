"""Side-by-side benchmark: ``smtp-sim serve`` against aiosmtpd's Sink, same load, one run.

The servers run as separate processes on 127.0.0.1 and get the same treatment:

- startup: time from spawning the process to the first 220 greeting read (median of several);
- burst: BURST connections opened at once on a fresh server: how many are greeted, and the
  server's resident memory per idle connection (RSS after minus RSS before, divided by BURST);
- throughput: Postfix's ``smtp-source`` runs full sessions (220, EHLO, MAIL, RCPT, DATA with
  a 1 KiB body, QUIT) with 50 concurrent clients; sessions per wall-clock second (best of
  rounds) and per second of the server's own CPU time (median; steadier on a busy machine);
- latency: NOOP round trips on one connection after EHLO: median and 99th percentile
  (in blocks, the servers taking turns, so a noisy moment hits them alike).

A bare trio server (``noop_floor.py``: Python, ``import trio``, bind, greet, one reply per
command line) gets the same load: it is the fair reference for startup (importing trio alone
outweighs aiosmtpd's whole start on asyncio), and issue 26 compares smtp-sim's server CPU per
session, NOOP round trip and memory per idle connection with it too.

Then, for smtp-sim only: SIGTERM with the burst still connected: how many clients got
421 4.3.2 and how long the process took to exit; and the abuse runs of ``abuse_runs.py``
(slowloris, the memory store's cap).

The whole comparison runs ``--runs`` times (3 by default); each run's table is printed, then
the median of each ratio. Run: ``python bench/bench_server.py`` (see bench/README.md).
Absolute numbers depend on the machine; the ratios are what to compare. Load stays on
loopback and is bounded in count.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import abuse_runs

import simulator
from simulator.protocol import make_reply

HOST = "127.0.0.1"
GUARD = 60.0
"""Seconds after which a step is declared stuck (bench hang guard)."""
NOOP_BLOCKS = 30
"""NOOP timing alternates between the servers in this many blocks: long enough to keep each
server warm, many enough that a burst of noise from other work on the machine hits all."""


@dataclass
class Result:
    name: str
    startup: float = float("nan")
    greeted: int = 0
    rss_per_connection: float = float("nan")
    sessions_per_second: float = float("nan")
    sessions_per_cpu_second: float = float("nan")
    noop_median: float = float("nan")
    noop_p99: float = float("nan")
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Server:
    name: str
    argv: tuple[str, ...]

    def command(self, port: int) -> list[str]:
        return [part.format(host=HOST, port=port) for part in self.argv]


def servers(burst: int) -> tuple[Server, Server]:
    smtp_sim = Server("smtp-sim", (sys.executable, "-m", "simulator", "serve", "--host", "{host}",
                                   "--port", "{port}", "--max-clients", str(burst + 100),
                                   # the latency probe sends thousands of NOOPs on one
                                   # connection: past 100 they would count as errors
                                   "--junk-command-limit", "0"))
    aiosmtpd = Server("aiosmtpd", (sys.executable, "-m", "aiosmtpd", "-n", "-c",
                                   "aiosmtpd.handlers.Sink", "-l", "{host}:{port}"))
    return smtp_sim, aiosmtpd


FLOOR = Server("trio floor", (sys.executable, os.path.join(os.path.dirname(__file__),
                                                           "noop_floor.py"), "{port}",
                              *(make_reply(key, host="floor.localhost").to_bytes().hex()
                                for key in ("session.greeting", "session.noop", "data.start",
                                            "session.quit"))))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def spawn(server: Server, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(server.command(port), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_for_greeting(port: int, started: float) -> float:
    """Poll until the server greets; seconds since ``started``."""
    while time.perf_counter() - started < GUARD:
        try:
            with socket.create_connection((HOST, port), timeout=GUARD) as sock:
                if sock.recv(512).startswith(b"220"):
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.002)
    raise RuntimeError(f"no greeting on port {port}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure_startup(server: Server) -> float:
    port = free_port()
    started = time.perf_counter()
    proc = spawn(server, port)
    try:
        return wait_for_greeting(port, started)
    finally:
        stop(proc)


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def open_burst(port: int, count: int) -> tuple[list[socket.socket], int]:
    """Start ``count`` connects at once, then read greetings; the sockets and how many got 220."""
    socks = []
    for _ in range(count):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex((HOST, port))
        socks.append(sock)
    selector = selectors.DefaultSelector()
    by_fd = {sock.fileno(): sock for sock in socks}
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    greeted, pending, deadline = 0, len(socks), time.monotonic() + GUARD
    while pending and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1.0):
            sock = by_fd[key.fd]
            selector.unregister(sock)
            pending -= 1
            with contextlib.suppress(OSError):
                greeted += sock.recv(512).startswith(b"220")
    selector.close()
    return socks, greeted


def measure_burst(server: Server, count: int, result: Result) -> None:
    port = free_port()
    proc = spawn(server, port)
    try:
        wait_for_greeting(port, time.perf_counter())
        time.sleep(0.3)
        before = rss_bytes(proc.pid)
        socks, result.greeted = open_burst(port, count)
        time.sleep(0.5)
        result.rss_per_connection = (rss_bytes(proc.pid) - before) / count
        if server.name == "smtp-sim":
            result.notes.append(shutdown_note(proc, socks))
        for sock in socks:
            sock.close()
    finally:
        if proc.poll() is None:
            stop(proc)


def shutdown_note(proc: subprocess.Popen[bytes], socks: Sequence[socket.socket]) -> str:
    """SIGTERM with every burst client still connected: 421s received and time to exit."""
    started = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=GUARD)
    elapsed = time.perf_counter() - started
    told = 0
    for sock in socks:
        sock.setblocking(True)
        sock.settimeout(1.0)
        with contextlib.suppress(OSError):
            told += b"421 4.3.2" in sock.recv(512)
    return (f"SIGTERM with {len(socks)} idle clients: {told} got 421 4.3.2, "
            f"exit status {proc.returncode} after {elapsed:.2f} s")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (``/proc/PID/stat``)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_throughput(port: int, pid: int, sessions: int,
                       concurrency: int) -> tuple[float, float]:
    """Sessions per wall-clock second, and per second of the server's own CPU time."""
    started, cpu_before = time.perf_counter(), cpu_seconds(pid)
    subprocess.run(["smtp-source", "-s", str(concurrency), "-m", str(sessions), "-l", "1024",
                    f"{HOST}:{port}"], check=True, timeout=GUARD * 5)
    wall, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu_before
    return sessions / wall, sessions / max(cpu, 0.01)


class NoopProbe:
    """One connection, after EHLO, that times NOOP round trips."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=GUARD)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")
        self.reader.readline()
        self.sock.sendall(b"EHLO bench.example\r\n")
        while self.reader.readline()[3:4] == b"-":
            pass
        self.times: list[float] = []

    def measure(self, count: int) -> None:
        for _ in range(count):
            started = time.perf_counter_ns()
            self.sock.sendall(b"NOOP\r\n")
            self.reader.readline()
            self.times.append((time.perf_counter_ns() - started) / 1000)

    def result(self) -> tuple[float, float]:
        """Median and 99th percentile, in microseconds."""
        self.sock.sendall(b"QUIT\r\n")
        self.sock.close()
        times = sorted(self.times)
        return statistics.median(times), times[int(len(times) * 0.99)]


def run(both: tuple[Server, Server], args: argparse.Namespace) -> tuple[Result, ...]:
    """Every measure for both servers and the bare trio server; rounds alternate so drift
    hits all alike."""
    every = (*both, FLOOR)
    results = tuple(Result(server.name) for server in every)
    startups: list[list[float]] = [[] for _ in every]
    for _ in range(args.startup_rounds):
        for n, server in enumerate(every):
            startups[n].append(measure_startup(server))
    for result, times in zip(results, startups, strict=True):
        result.startup = statistics.median(times)
    for server, result in zip(every, results, strict=True):
        measure_burst(server, args.burst, result)
    ports = [free_port() for _ in every]
    procs = [spawn(server, port) for server, port in zip(every, ports, strict=True)]
    try:
        for port in ports:
            wait_for_greeting(port, time.perf_counter())
        rates: list[list[tuple[float, float]]] = [[] for _ in every]
        for _ in range(args.rounds):
            for n, (port, proc) in enumerate(zip(ports, procs, strict=True)):
                rates[n].append(measure_throughput(port, proc.pid, args.sessions,
                                                   args.concurrency))
        probes = [NoopProbe(port) for port in ports]
        for _ in range(NOOP_BLOCKS):  # interleaved blocks: a noisy moment hits all alike
            for probe in probes:
                probe.measure(args.noops // NOOP_BLOCKS)
        for n, (result, probe) in enumerate(zip(results, probes, strict=True)):
            result.sessions_per_second = max(wall for wall, _ in rates[n])
            result.sessions_per_cpu_second = statistics.median(cpu for _, cpu in rates[n])
            result.noop_median, result.noop_p99 = probe.result()
    finally:
        for proc in procs:
            stop(proc)
    return results


Row = tuple[str, float, float, float, str]
"""(measure, smtp-sim, reference, ratio, target) of one run."""


def ratios(ours: Result, theirs: Result, floor: Result, args: argparse.Namespace) -> list[Row]:
    """The rows of one run: issue 26's targets against the bare trio server first, then
    issue 14's against aiosmtpd."""
    def kib(result: Result) -> float:
        return result.rss_per_connection / 1024

    return [
        ("startup to first 220 (ms, median), against a bare trio server", ours.startup * 1e3,
         floor.startup * 1e3, ours.startup / floor.startup, "<= 1.15"),
        ("server CPU per full session (us, median), against a bare trio server",
         1e6 / ours.sessions_per_cpu_second, 1e6 / floor.sessions_per_cpu_second,
         floor.sessions_per_cpu_second / ours.sessions_per_cpu_second, "<= 1.5"),
        ("NOOP round trip (us, median), against a bare trio server", ours.noop_median,
         floor.noop_median, ours.noop_median / floor.noop_median, "<= 1.1"),
        ("RSS per idle connection (KiB), against a bare trio server", kib(ours), kib(floor),
         kib(ours) / kib(floor), "<= 6 KiB"),
        ("startup to first 220 (ms, median), against aiosmtpd", ours.startup * 1e3,
         theirs.startup * 1e3, ours.startup / theirs.startup, ""),
        (f"full sessions/s, {args.concurrency} clients (smtp-source)", ours.sessions_per_second,
         theirs.sessions_per_second, ours.sessions_per_second / theirs.sessions_per_second,
         ">= 2.0"),
        ("full sessions per server CPU-second (median)", ours.sessions_per_cpu_second,
         theirs.sessions_per_cpu_second,
         ours.sessions_per_cpu_second / theirs.sessions_per_cpu_second, ""),
        ("NOOP round trip (us, median)", ours.noop_median, theirs.noop_median,
         ours.noop_median / theirs.noop_median, "<= 0.5"),
        ("NOOP round trip (us, p99)", ours.noop_p99, theirs.noop_p99,
         ours.noop_p99 / theirs.noop_p99, ""),
        (f"greeted of {args.burst} opened at once", ours.greeted, theirs.greeted,
         ours.greeted / max(theirs.greeted, 1), f"all {args.burst}"),
        ("RSS per idle connection (KiB)", kib(ours), kib(theirs), kib(ours) / kib(theirs),
         "<= 8 KiB"),
    ]


def table(rows: list[Row], notes: Sequence[str]) -> str:
    lines = ["| measure | smtp-sim | reference | ratio | target |", "|---|---:|---:|---:|---|"]
    lines += [f"| {name} | {a:,.1f} | {b:,.1f} | {r:.2f}x | {goal} |"
              for name, a, b, r, goal in rows]
    return "\n".join([*lines, "", *notes])


def median_table(runs: list[list[Row]]) -> str:
    lines = ["| measure | smtp-sim (median) | median ratio | ratio in each run | target |",
             "|---|---:|---:|---|---|"]
    for n, (name, *_, goal) in enumerate(runs[0]):
        each = [run[n][3] for run in runs]
        ours = statistics.median(run[n][1] for run in runs)
        lines.append(f"| {name} | {ours:,.1f} | {statistics.median(each):.2f}x | "
                     f"{', '.join(f'{r:.2f}x' for r in each)} | {goal} |")
    return "\n".join(lines)


def as_installed() -> None:
    """The tree as a user's copy is after its first run: byte-compiled, and the shipped
    lesson files' parsed copies kept (simulator/lessons/datacache.py), even where
    PYTHONDONTWRITEBYTECODE is set for this shell."""
    compileall.compile_dir(os.path.dirname(simulator.__file__), quiet=1)
    env = {name: value for name, value in os.environ.items()
           if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "simulator", "lessons", "check"], env=env,
                   stdout=subprocess.DEVNULL, check=True)


def startup_only(args: argparse.Namespace) -> int:
    """``--startup-only``: the first row alone, ``--runs`` times (the two servers alternate
    within a run, so a noisy moment hits both alike), then its median ratio."""
    smtp_sim = servers(args.burst)[0]
    ratios_seen = []
    for number in range(1, args.runs + 1):
        times: list[list[float]] = [[], []]
        for _ in range(args.startup_rounds):
            for n, server in enumerate((smtp_sim, FLOOR)):
                times[n].append(measure_startup(server))
        ours, floor = (statistics.median(each) for each in times)
        ratios_seen.append(ours / floor)
        print(f"run {number}: smtp-sim serve {ours * 1e3:.1f} ms, bare trio server "
              f"{floor * 1e3:.1f} ms: {ours / floor:.2f}x (target <= 1.15)", flush=True)
    print(f"median of {args.runs} runs: {statistics.median(ratios_seen):.2f}x", flush=True)
    return 0


def abuse(args: argparse.Namespace) -> list[str]:
    def wait(port: int) -> float:
        return wait_for_greeting(port, time.perf_counter())

    spawn_sim = partial(abuse_runs.spawn_smtp_sim, free_port=free_port, wait=wait)
    return [*abuse_runs.slowloris(spawn_sim), *abuse_runs.memory_store(spawn_sim, rss_bytes)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--noops", type=int, default=6000)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--startup-rounds", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="whole comparisons (median shown)")
    parser.add_argument("--no-abuse", action="store_true", help="skip the abuse runs")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the start-up row against the bare trio server")
    args = parser.parse_args(argv)
    if args.startup_only:
        os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        as_installed()
        return startup_only(args)
    if shutil.which("smtp-source") is None:
        print("smtp-source not found: install postfix (Debian: apt install postfix)")
        return 2
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.burst * 2 + 200)), hard))
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    # As an install leaves it: every module byte-compiled, so no start compiles source (with
    # PYTHONDONTWRITEBYTECODE set, a module edited since its .pyc would be compiled each time).
    as_installed()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"{args.sessions} sessions x {args.rounds} rounds, {args.noops} NOOPs; reference: "
          f"the bare trio server for the first four rows, aiosmtpd for the others", flush=True)
    runs = []
    for number in range(1, args.runs + 1):
        ours, theirs, floor = run(servers(args.burst), args)
        runs.append(ratios(ours, theirs, floor, args))
        print(f"\n## run {number}\n\n{table(runs[-1], ours.notes)}", flush=True)
    print(f"\n## median of {args.runs} runs\n\n{median_table(runs)}", flush=True)
    if not args.no_abuse:
        print("\n## abuse (smtp-sim only)\n\n" + "\n".join(abuse(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
