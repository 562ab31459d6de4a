"""Test helper: one command in a real terminal (a tmux pane on a private tmux server)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SMTP_SIM = Path(sys.executable).with_name("smtp-sim")
TIMEOUT = 30.0
"""Seconds a screen may take to show what is awaited (generous: the suite runs on a busy
2-core machine; a pass takes well under one)."""


class Pane:
    """A tmux pane running ``smtp-sim ARGS``; ``done`` receives its exit status."""

    def __init__(self, socket: str, done: Path) -> None:
        self.socket, self.done = socket, done

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=True).stdout

    def key(self, *names: str) -> None:
        self.tmux("send-keys", "-t", "pane", *names)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "pane")

    def history(self) -> str:
        """The whole pane, the lines scrolled off the top included."""
        return self.tmux("capture-pane", "-p", "-t", "pane", "-S", "-")

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while text not in (screen := self.screen()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen:\n{screen}")
            time.sleep(0.05)
        return screen

    def status(self) -> str:
        deadline = time.monotonic() + TIMEOUT
        while not self.done.exists() or not self.done.read_text().strip():
            if time.monotonic() > deadline:
                raise AssertionError(f"smtp-sim never exited; screen:\n{self.screen()}")
            time.sleep(0.05)
        return self.done.read_text().strip()


@contextmanager
def pane(tmp_path: Path, *args: str, width: int = 120, height: int = 35) -> Iterator[Pane]:
    done = tmp_path / "exit-status"
    term = Pane(f"smtp-sim-test-{os.getpid()}-{time.monotonic_ns()}", done)
    command = (f"env SMTP_SIM_HOME={tmp_path / 'home'} {SMTP_SIM} {' '.join(args)}; "
               f"echo $? > {done}; sleep 60")
    term.tmux("-f", "/dev/null", "new-session", "-d", "-s", "pane", "-x", str(width),
              "-y", str(height), command)
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True,
                       check=False)


_ASCII_RUN = re.compile(r"[!-~]+")


def assert_wrapped(screen: str, unwrapped: str, *, starts: tuple[str, ...]) -> None:
    """``screen`` is ``unwrapped`` wrapped as a reader wants it: every line begins with one of
    ``starts`` (a marker or an indent, never a word's tail at column 0), and every run of
    printable ASCII on it (a word, an address, a command) is whole, as in ``unwrapped``."""
    whole = set(_ASCII_RUN.findall(unwrapped))
    for line in screen.splitlines():
        if not line.strip():
            continue
        assert line.startswith(starts), f"starts at column 0: {line!r}\n{screen}"
        cut = [run for run in _ASCII_RUN.findall(line) if run not in whole]
        assert not cut, f"a word cut in two: {cut} in {line!r}\n{screen}"
