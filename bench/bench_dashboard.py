"""The dashboard under a class: 300 sessions and 50 exchanges per second.

Runs ``serve``'s own loop (``faces.serve.main._serve``) in this process with the dashboard drawing
to a real VT100 renderer (into /dev/null, 200x60), and the class in a child process: 300 TCP
clients, each sending a command (a mix of good ones and typical mistakes) in turn, paced so
the class makes ``--rate`` exchanges per second. Reported:

- the clients' round trips (median, p99), with the dashboard and then with the plain line
  log to /dev/null, to show that the screen does not slow anyone down;
- frames drawn per second and the time one frame takes to render (median, p99, max);
- how long a key (Down) takes to change the selection, through prompt_toolkit's pipe input;
- exchanges the feed had no room for (0 expected at this rate).

    .venv/bin/python bench/bench_dashboard.py [--sessions 300] [--rate 50] [--seconds 20]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import trio

from simulator.options.records import ServeOptions
from simulator.server.secure import Prepared

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMANDS = (b"NOOP\r\n", b"MAIL FROM: <a@b.example>\r\n", b"RSET\r\n", b"QUT\r\n",
            b"RCPT TO:<c@d.example>\r\n", b"HELP\r\n", b"VRFY bob\r\n")


async def one_client(port: int, interval: float, until: float, times: list[float],
                     index: int) -> None:
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    await stream.receive_some(4096)
    await stream.send_all(f"EHLO pc{index}.example\r\n".encode())
    data = b""
    while b"250 " not in data:
        data += await stream.receive_some(4096)
    await trio.sleep(interval * (index / 300))  # spread the class over one interval
    turn = index
    while trio.current_time() < until:
        command = COMMANDS[turn % len(COMMANDS)]
        turn += 1
        start = time.perf_counter()
        await stream.send_all(command)
        await stream.receive_some(4096)
        times.append(time.perf_counter() - start)
        await trio.sleep(interval)
    await stream.send_all(b"QUIT\r\n")
    await stream.aclose()


async def clients(port: int, sessions: int, rate: float, seconds: float) -> None:
    times: list[float] = []
    interval = sessions / rate
    until = trio.current_time() + seconds
    async with trio.open_nursery() as nursery:
        for index in range(sessions):
            nursery.start_soon(one_client, port, interval, until, times, index)
    print(json.dumps(times))


def run_clients(port: int, args: argparse.Namespace) -> list[float]:
    out = subprocess.run([sys.executable, __file__, "--clients", str(port),
                          "--sessions", str(args.sessions), "--rate", str(args.rate),
                          "--seconds", str(args.seconds)], capture_output=True, check=True)
    return list(json.loads(out.stdout))


def quantiles(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p99 = ordered[min(int(len(ordered) * 0.99), len(ordered) - 1)]
    return (f"median {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, "
            f"max {ordered[-1] * 1000:.2f} ms (n={len(ordered)})")


def plain_server() -> Prepared:
    """The strict server without TLS or AUTH, as ``serve`` prepares it."""
    from simulator.protocol import Policy
    from simulator.server.secure import prepare, read_options

    return prepare(read_options(serve_args().security), Policy())


def serve_args() -> ServeOptions:
    """``serve --port 0`` as the command line gives it (the other options at their default)."""
    from simulator.cli.command import parse_options

    # --error-sleep 0: a third of COMMANDS are errors, and the bench times the dashboard,
    # not the slowdown a real class would meet past ten errors
    options = parse_options(["serve", "--port", "0", "--max-clients", "1000",
                             "--error-sleep", "0"])
    assert isinstance(options, ServeOptions)
    return options


async def with_dashboard(args: argparse.Namespace) -> None:
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    from simulator.faces.dashboard.app import DashboardApp
    from simulator.faces.dashboard.run import show_dashboard
    from simulator.faces.serve.classlog import ClassFeed
    from simulator.faces.serve.main import LogOutput, _serve
    from simulator.lessons.classmodel.shared import SharedClass
    from simulator.server.store import MemoryStore

    shared = SharedClass()
    class_feed = ClassFeed(shared)
    found: list[DashboardApp] = []
    urls: list[str] = []
    frames: list[float] = []
    devnull = open(os.devnull, "w")  # noqa: SIM115
    output = Vt100_Output(devnull, lambda: Size(rows=60, columns=200))
    with create_pipe_input() as pipe:

        async def screen(shared: SharedClass, url: str, lang: str) -> None:
            urls.append(url)
            await show_dashboard(shared, url, lang, input=pipe, output=output,
                                 started=found.append)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(_serve, serve_args(), plain_server(), MemoryStore(),
                               LogOutput(io.StringIO()), class_feed, screen)
            while not found:
                await trio.sleep(0.01)
            app = found[0].app
            started: list[float] = []
            app.before_render += lambda _: started.append(time.perf_counter())

            def rendered(_: object) -> None:
                if started:  # a frame begun before the handlers were added is not counted
                    frames.append(time.perf_counter() - started[-1])

            app.after_render += rendered
            port = int(urls[0].rsplit(":", 1)[1])
            begin = time.perf_counter()
            times = await trio.to_thread.run_sync(run_clients, port, args)
            elapsed = time.perf_counter() - begin
            keys: list[float] = []
            found[0].state.follow = False
            for _ in range(20):
                before = found[0].state.selected
                start = time.perf_counter()
                pipe.send_text("\x1b[B")
                while found[0].state.selected == before:
                    await trio.sleep(0.001)
                keys.append(time.perf_counter() - start)
            print(f"with the dashboard: {shared.model.total_sessions} sessions, "
                  f"{sum(r.commands for r in shared.model.sessions.values())} commands")
            print(f"  client round trips: {quantiles(times)}")
            print(f"  frames: {len(frames) / elapsed:.1f} per second; render {quantiles(frames)}")
            print(f"  key to new selection: {quantiles(keys)}")
            print(f"  exchanges the feed had no room for: {shared.model.dropped}")
            pipe.send_text("qy")
    devnull.close()


async def with_line_log(args: argparse.Namespace) -> None:
    from simulator.faces.serve.classlog import ClassFeed
    from simulator.faces.serve.main import LogOutput, _serve
    from simulator.lessons.classmodel.shared import SharedClass
    from simulator.server.store import MemoryStore

    shared = SharedClass()
    devnull = open(os.devnull, "w")  # noqa: SIM115
    with trio.socket.socket() as probe:
        await probe.bind(("127.0.0.1", 0))
        port_args = dataclasses.replace(serve_args(), port=probe.getsockname()[1])
    async with trio.open_nursery() as nursery:
        nursery.start_soon(_serve, port_args, plain_server(), MemoryStore(),
                           LogOutput(devnull), ClassFeed(shared), None)
        await trio.sleep(0.3)
        times = await trio.to_thread.run_sync(run_clients, port_args.port, args)
        print(f"with the line log only: client round trips: {quantiles(times)}")
        nursery.cancel_scope.cancel()
    devnull.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clients is not None:
        trio.run(clients, args.clients, args.sessions, args.rate, args.seconds)
        return
    trio.run(with_dashboard, args)
    trio.run(with_line_log, args)


if __name__ == "__main__":
    main()
