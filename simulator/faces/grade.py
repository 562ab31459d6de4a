"""``smtp-sim grade``: a student's SMTP client program, run against the strict server and
graded, every failed item explained with the line the program sent and the server's reply.

The server listens on a free loopback port with the rubric's setup; the program runs with
``SMTP_HOST`` and ``SMTP_PORT`` (and the rubric's message as ``SMTP_FROM``, ``SMTP_TO``,
``SMTP_MESSAGE``) in its environment, ``{host}`` and ``{port}`` replaced in its arguments,
its output sent to stderr (stdout is the report's). With ``--wait`` the server waits for a
program started by hand instead. The server watches whether the program sends before it was
answered (``TcpOptions.watch_ahead``). Exit status: 0 every required item passed, 1 one
failed, 2 usage (a bad rubric), 3 the program could not be run or ran out of time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final

import trio

from simulator.lessons.grading import Rubric, RubricError, Session, judge, load_rubric
from simulator.lessons.grading.model import server_policy
from simulator.lessons.grading.rubric import default_rubric, shipped_rubrics
from simulator.lessons.grading.words import say
from simulator.lessons.load import LANGS
from simulator.options.records import GradeOptions
from simulator.protocol import Exchange
from simulator.render.grade import gradescope_json, report
from simulator.server import Feed, Listening, PeerExchange, SessionEnd, Watchers, serve_tcp
from simulator.server.deadlines import Timeouts
from simulator.server.options import TcpOptions
from simulator.server.secure import with_certificate
from simulator.server.store import MemoryStore
from simulator.server.tcp import ListenError

HOST: Final = "127.0.0.1"
WATCH_SECONDS: Final = 0.15
"""How long the server waits before each reply for input that should not be there yet: a
program sends its next line within microseconds when it does not read the reply."""
SETTLE_SECONDS: Final = 2.0
"""After the program ended, how long its sessions get to finish on the server's side."""
QUIET_SECONDS: Final = 8.0
"""With --wait: the grading ends when no session is open and none started for this long
(longer than a greylisting delay a program waits out between two sessions)."""
MAX_EXCHANGES: Final = 20_000
"""Exchanges kept per grading: a program that loops forever is judged on the first ones."""
IDLE_SECONDS: Final = 30.0
"""A session silent this long is closed (421): a program that hangs must not hold it."""
COULD_NOT_RUN: Final = 3


@dataclass
class Collected:
    """What the server saw: each session's Exchanges and when each reply was given (trio's
    clock, for the greylisting delay), in the order the sessions began."""

    sessions: dict[str, tuple[str, list[tuple[Exchange, float]]]] = field(default_factory=dict)
    ended: set[str] = field(default_factory=set)
    kept: int = 0

    def add(self, item: PeerExchange | SessionEnd) -> None:
        if isinstance(item, SessionEnd):
            self.ended.add(item.session_id)
        elif self.kept < MAX_EXCHANGES:
            self.kept += 1
            self.sessions.setdefault(item.session_id, (item.peer, []))[1].append(
                (item.exchange, item.at))

    @property
    def open(self) -> bool:
        return bool(set(self.sessions) - self.ended)

    def judged(self) -> list[Session]:
        return [Session(sid, peer, tuple(e for e, _ in timed), tuple(at for _, at in timed))
                for sid, (peer, timed) in self.sessions.items()]


@dataclass
class Ran:
    """How the program ended: its exit status, or why it could not run or was stopped."""

    status: int | None = None
    error: str | None = None
    timed_out: bool = False


def _rubric(options: GradeOptions) -> Rubric:
    name = options.rubric
    if name is None:
        return default_rubric()
    if not Path(name).exists() and name in shipped_rubrics():
        return default_rubric(name)
    return load_rubric(Path(name))


def _command(options: GradeOptions) -> list[str]:
    command = list(options.program or [])
    return command[1:] if command[:1] == ["--"] else command


def run_grade(options: GradeOptions) -> int:
    """Entry point of ``smtp-sim grade``; returns the exit status."""
    lang = options.lang or LANGS[0]
    try:
        rubric = _rubric(options)
    except RubricError as err:
        print(say(lang, "errors", "bad-rubric"), *err.problems, sep="\n", file=sys.stderr)
        return 2
    command = _command(options)
    if not command and not options.wait:
        print(say(lang, "errors", "no-command"), file=sys.stderr)
        return 2
    collected, ran = Collected(), Ran()
    try:
        port = trio.run(_grade, rubric, options, command, collected, ran, lang)
    except ListenError as err:
        print(say(lang, "errors", "cannot-listen", host=err.host, port=err.port,
                  error=err.strerror or err), file=sys.stderr)
        return 2
    grade = judge(rubric, collected.judged())
    _say_ran(ran, options, command, lang)
    sys.stdout.write(report(grade, options.format, lang, host=HOST, port=port,
                            status=ran.status))
    if options.gradescope and not _write(options.gradescope,
                                                        gradescope_json(grade, lang), lang):
        return 2
    if ran.error is not None or ran.timed_out:
        return COULD_NOT_RUN
    return 0 if grade.passed else 1


def _say_ran(ran: Ran, options: GradeOptions, command: list[str], lang: str) -> None:
    if ran.error is not None:
        print(say(lang, "errors", "cannot-run", command=" ".join(command), error=ran.error),
              file=sys.stderr)
    if ran.timed_out:
        print(say(lang, "errors", "timed-out", seconds=options.timeout), file=sys.stderr)


def _write(path: str, text: str, lang: str) -> bool:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as err:
        print(say(lang, "errors", "gradescope-failed", path=path, error=err.strerror or err),
              file=sys.stderr)
        return False
    return True


async def _grade(rubric: Rubric, options: GradeOptions, command: list[str],
                 collected: Collected, ran: Ran, lang: str) -> int:
    """Serve until the program is done; the port served."""
    policy = server_policy(rubric)
    tls = None
    if rubric.setup.tls is not None:
        tls = with_certificate(policy).context
    listen = TcpOptions(host=HOST, port=options.port or 0, tls=tls,
                        timeouts=Timeouts(rubric.setup.idle_timeout or IDLE_SECONDS),
                        watch_ahead=WATCH_SECONDS)
    send, receive = trio.open_memory_channel[PeerExchange | SessionEnd](MAX_EXCHANGES)
    async with trio.open_nursery() as outer:
        outer.start_soon(_collect, receive, collected)
        async with send, trio.open_nursery() as nursery:
            bound: Listening = await nursery.start(partial(
                serve_tcp, policy=policy, store=MemoryStore(), options=listen,
                watchers=Watchers(Feed(send))))
            port = bound.port
            if options.wait:
                print(say(lang, "errors", "waiting", host=HOST, port=port), file=sys.stderr,
                      flush=True)
                with trio.move_on_after(options.timeout) as scope:
                    await _until_quiet(collected)
                ran.timed_out = scope.cancelled_caught
            else:
                await _run_program(command, _environment(rubric, port), options.timeout, ran, port)
                with trio.move_on_after(SETTLE_SECONDS):
                    while collected.open:
                        await trio.sleep(0.02)
            nursery.cancel_scope.cancel()
    return port


async def _until_quiet(collected: Collected) -> None:
    while not collected.sessions:
        await trio.sleep(0.05)
    quiet, seen = 0.0, 0
    while quiet < QUIET_SECONDS:
        await trio.sleep(0.05)
        busy = collected.open or seen != len(collected.sessions)
        quiet, seen = 0.0 if busy else quiet + 0.05, len(collected.sessions)


async def _collect(receive: trio.MemoryReceiveChannel[PeerExchange | SessionEnd],
                   collected: Collected) -> None:
    async with receive:
        async for item in receive:
            collected.add(item)


def _environment(rubric: Rubric, port: int) -> dict[str, str]:
    message = rubric.message
    return {**os.environ, "SMTP_HOST": HOST, "SMTP_PORT": str(port),
            "SMTP_FROM": message.sender, "SMTP_TO": ",".join(message.recipients),
            "SMTP_MESSAGE": "\n".join(message.lines)}


async def _run_program(command: list[str], env: dict[str, str], timeout: float, ran: Ran,
                       port: int) -> None:
    argv = [part.replace("{host}", HOST).replace("{port}", str(port)) for part in command]
    with trio.move_on_after(timeout) as scope:
        try:
            done = await trio.run_process(argv, env=env, check=False, stdin=subprocess.DEVNULL,
                                          stdout=sys.stderr.fileno())
        except OSError as err:
            ran.error = err.strerror or str(err)
            return
        ran.status = done.returncode
    ran.timed_out = scope.cancelled_caught
