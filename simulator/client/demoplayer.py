"""Playing a demo script against a server, step by step, forward and back.

Going back replays the script up to the previous step on a fresh session: the built-in
engine is deterministic (the same bytes give the same replies, queue ids included), so the
screen after a step back is exactly the screen as it was when that step was first reached.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from simulator.protocol import Policy
from simulator.server.store import MemoryStore

from .connection import Connection, Step
from .demoscript import DemoScript, DemoStep, Line, StepKind
from .local import LocalConnection
from .remote import TcpConnection

ConnectionFactory = Callable[[], Connection]
BeforeLine = Callable[["StepResult", "Line"], Awaitable[None]]
"""Awaited before each line of a step is sent, with the step so far: where a face types the
line out for the audience."""


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one demo step did: its client Steps (sends and replies) and lines left unsent."""

    step: DemoStep
    steps: tuple[Step, ...]
    unsent: int = 0


def connection_factory(policy: Policy, connect_to: tuple[str, int] | None = None, *,
                       tls: ssl.SSLContext | None = None, ca: str | None = None,
                       ) -> ConnectionFactory:
    """A fresh built-in server (its own memory store) each call, or a new TCP connection.
    ``tls``: the built-in server's certificate for STARTTLS, ``ca`` the CA its client trusts."""
    if connect_to is not None:
        host, port = connect_to
        return lambda: TcpConnection(host, port)

    def local() -> Connection:
        return LocalConnection(policy=policy, store=MemoryStore(), tls=tls, ca=ca)

    return local


class DemoPlayer:
    """The session a demo plays on: ``greeting``, the results of the steps done so far."""

    def __init__(self, script: DemoScript, connect: ConnectionFactory) -> None:
        self.script = script
        self._connect = connect
        self._connection: Connection | None = None
        self.greeting: Step | None = None
        self.results: list[StepResult] = []

    @property
    def done(self) -> int:
        """How many steps have been played."""
        return len(self.results)

    @property
    def total(self) -> int:
        return len(self.script.steps)

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    @property
    def unsent(self) -> int:
        return sum(result.unsent for result in self.results)

    async def open(self) -> None:
        """Connect (a fresh session) and take the greeting; no step is played yet."""
        await self.close()
        self.results = []
        self._connection = self._connect()
        self.greeting = await self._connection.start()

    async def forward(self, before_line: BeforeLine | None = None) -> StepResult | None:
        """Play the next step; None when the script is over."""
        if self.finished:
            return None
        if self._connection is None:
            await self.open()
        step = self.script.steps[self.done]
        result = await self._play(step, before_line)
        self.results.append(result)
        return result

    async def back(self) -> None:
        """One step back: replay every step but the last on a fresh session."""
        target = max(self.done - 1, 0)
        await self.seek(target)

    async def seek(self, count: int) -> None:
        """Replay the first ``count`` steps on a fresh session."""
        await self.open()
        while self.done < count and await self.forward() is not None:
            pass

    async def _play(self, step: DemoStep, before_line: BeforeLine | None) -> StepResult:
        assert self._connection is not None
        if step.kind is StepKind.NOTE:
            return StepResult(step, ())
        if step.kind is StepKind.RECONNECT:
            await self._connection.aclose()
            self._connection = self._connect()
            return StepResult(step, (await self._connection.start(),))
        if step.pipelined:
            if self._connection.closed:
                return StepResult(step, (), len(step.lines))
            for line in step.lines:
                if before_line is not None:
                    await before_line(StepResult(step, ()), line)
            wire = b"".join(line.wire() for line in step.lines)
            return StepResult(step, (await self._connection.send(wire),))
        steps: list[Step] = []
        for index, line in enumerate(step.lines):
            if self._connection.closed:
                return StepResult(step, tuple(steps), len(step.lines) - index)
            if before_line is not None:
                await before_line(StepResult(step, tuple(steps)), line)
            steps.append(await self._connection.send(line.wire()))
        return StepResult(step, tuple(steps))

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.aclose()
            self._connection = None
