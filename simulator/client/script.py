"""Scripts: a file of command lines played against a server, step by step.

``smtp-sim run`` plays one; the console does the same when its input is not a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .connection import Connection, LocalConnection, Step

if TYPE_CHECKING:
    from simulator.protocol import Policy


def ended_in_data(steps: Sequence[Step]) -> bool:
    """True when the last thing the server said was 354 (or it said nothing since)."""
    for step in reversed(steps):
        if step.answers:
            return step.answers[-1].code == 354
    return False


def split_lines(data: bytes) -> list[bytes]:
    """Command lines of a file: split at LF, one trailing CR dropped (CRLF files work too)."""
    lines = [line.removesuffix(b"\r") for line in data.split(b"\n")]
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


async def play(lines: Sequence[bytes], *, policy: Policy,
               connection: Connection | None = None) -> tuple[list[Step], int]:
    """Send each line plus CRLF to a fresh built-in server (or to ``connection``); the steps,
    and how many lines were left unsent because the server closed the connection first."""
    if connection is None:
        from simulator.server.store import MemoryStore

        connection = LocalConnection(policy=policy, store=MemoryStore())
    try:
        steps = [await connection.start()]
        for index, line in enumerate(lines):
            if connection.closed:
                return steps, len(lines) - index
            steps.append(await connection.send(line + b"\r\n"))
    finally:
        await connection.aclose()
    return steps, 0
