"""Benchmark of the console, the figures the issue asks for, side by side with baselines.

- startup: time from spawning ``smtp-sim`` in a pseudo-terminal to its first prompt on
  screen (median of several runs; target at most 0.5 s), next to a bare ``python -c pass``
  and to ``python -c "import trio, prompt_toolkit"`` (the floor any such console pays; the
  target is at most 1.15x it). The three alternate within each round, so a busy moment on
  the machine hits them alike, and the whole comparison runs ``--rounds`` times (median);
- line to explained reply: in-process, the time from a typed line handed to the console to
  its reply *and explanation* written out (median; target well under 5 ms), next to the bare
  engine (``Session.receive_data`` for the same line) to show what the layers above cost.

Run: ``python bench/bench_console.py [--runs 9] [--lines 2000]``. Absolute numbers depend on
the machine; compare ratios. Uses a private SMTP_SIM_HOME so the real history is untouched.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

import pexpect
import trio
from bench_server import as_installed

from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings
from simulator.protocol import Policy, Session

SMTP_SIM = str(Path(sys.executable).with_name("smtp-sim"))
LINES = ("NOOP", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>", "RSET", "HELOO",
         "VRFY bob")


def time_to_prompt(home: str) -> float:
    """Seconds from spawn to the prompt, in a pty (cursor-position requests disabled,
    since pexpect is not a terminal that answers them)."""
    env = dict(os.environ, SMTP_SIM_HOME=home, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    start = time.perf_counter()
    child = pexpect.spawn(SMTP_SIM, ["--no-color"], env=env, dimensions=(40, 120), timeout=10)
    child.expect(b"smtp>")
    elapsed = time.perf_counter() - start
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.wait()
    return elapsed


def time_command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True)
    return time.perf_counter() - start


FLOOR: Final = "python -c 'import trio, prompt_toolkit'"
PROMPT: Final = "smtp-sim to first prompt"


def startup(runs: int) -> dict[str, float]:
    """Median seconds of each start, the three taking turns ``runs`` times."""
    times: dict[str, list[float]] = {"python -c pass": [], FLOOR: [], PROMPT: []}
    as_installed()
    with tempfile.TemporaryDirectory() as home:
        time_to_prompt(home)  # warm the file cache once
        for _ in range(runs):
            times["python -c pass"].append(time_command([sys.executable, "-c", "pass"]))
            times[FLOOR].append(time_command(
                [sys.executable, "-c", "import trio, prompt_toolkit.shortcuts"]))
            times[PROMPT].append(time_to_prompt(home))
    return {name: statistics.median(each) for name, each in times.items()}


async def console_latencies(count: int) -> list[float]:
    """Per-line seconds through ConsoleContext.send_line: send, reply, explanation shown."""
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", color=True, wrap=True,
                                         policy=Policy(error_budget=0)), out)
    await ctx.open()
    await ctx.send_line("EHLO client.example")
    times = []
    for index in range(count):
        line = LINES[index % len(LINES)]
        start = time.perf_counter()
        await ctx.send_line(line)
        times.append(time.perf_counter() - start)
        if index % 200 == 0:
            out.seek(0)
            out.truncate()
    await ctx.close()
    return times


def engine_latencies(count: int) -> list[float]:
    session = Session(Policy(error_budget=0))
    session.greeting()
    session.receive_data(b"EHLO client.example\r\n")
    times = []
    for index in range(count):
        data = LINES[index % len(LINES)].encode() + b"\r\n"
        start = time.perf_counter()
        session.receive_data(data)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="whole start-up comparisons")
    parser.add_argument("--startup-only", action="store_true")
    options = parser.parse_args()

    ratios = []
    for number in range(1, options.rounds + 1):
        print(f"startup, round {number} (median of {options.runs} runs)")
        figures = startup(options.runs)
        for name, seconds in figures.items():
            print(f"  {name:<40} {seconds * 1000:8.1f} ms")
        prompt = figures[PROMPT]
        ratios.append(prompt / figures[FLOOR])
        print(f"  target 500 ms: {prompt / 0.5:.2f} of the budget; "
              f"{prompt / figures['python -c pass']:.1f}x a bare interpreter; "
              f"{ratios[-1]:.2f}x {FLOOR} (target <= 1.15)")
    print(f"first prompt against {FLOOR}, median of {options.rounds} rounds: "
          f"{statistics.median(ratios):.2f}x (target <= 1.15)")
    if options.startup_only:
        return

    console = statistics.median(trio.run(console_latencies, options.lines))
    engine = statistics.median(engine_latencies(options.lines))
    print(f"typed line -> explained reply, in-process (median of {options.lines})")
    print(f"  {'console (send, reply, annotate, render, wrap)':<48} {console * 1e6:8.1f} µs")
    print(f"  {'engine alone (receive_data)':<48} {engine * 1e6:8.1f} µs")
    print(f"  target 5 ms: {console / 0.005:.3f} of the budget; "
          f"{console / engine:.0f}x the bare engine")


if __name__ == "__main__":
    main()
