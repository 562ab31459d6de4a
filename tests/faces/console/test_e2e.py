"""End to end: the real ``smtp-sim`` in a real terminal (tmux), typed at like a learner.

tmux is a full terminal emulator (it answers cursor-position requests, so prompt_toolkit
draws its bottom toolbar); ``capture-pane`` reads back what a person would see on screen.
The tmux server runs on a private socket and is killed at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SMTP_SIM = Path(sys.executable).with_name("smtp-sim")
TIMEOUT = 30.0  # a loaded machine (CI beside other jobs) is slow to draw


class Terminal:
    """A tmux pane running one command, on a private tmux server."""

    def __init__(self, socket: str, done: Path) -> None:
        self.socket = socket
        self.done = done
        """Where the shell writes smtp-sim's exit status."""

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=True)
        return done.stdout

    def type(self, text: str) -> None:
        """Type ``text`` then Enter."""
        if text:
            self.tmux("send-keys", "-t", "e2e", "-l", text)
        self.tmux("send-keys", "-t", "e2e", "Enter")

    def key(self, name: str) -> None:
        self.tmux("send-keys", "-t", "e2e", name)

    def screen(self) -> str:
        """The whole scrollback and screen, as shown."""
        return self.tmux("capture-pane", "-p", "-J", "-t", "e2e", "-S", "-5000")

    def wait_for(self, text: str, *, then: str = "") -> str:
        """Wait until ``text`` is on screen (followed, somewhere, by ``then``); the screen."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            screen = self.screen()
            if text in screen and then in screen.split(text, 1)[1]:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen:\n{screen}")
            time.sleep(0.05)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    done = tmp_path / "exit-status"
    term = Terminal(f"smtp-sim-e2e-{os.getpid()}", done)
    # COLUMNS=80: the explanations wrap to 80 columns (shutil reads it first) while the
    # toolbar has the pane's 160. Without it the width depended on a race: whether tmux had
    # grown the pane from its first 80 columns before the greeting was printed.
    command = (f"env SMTP_SIM_HOME={tmp_path / 'home'} COLUMNS=80 {SMTP_SIM} --no-color; "
               f"echo $? > {done}; sleep 60")
    term.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "160", "-y", "50",
              command)
    term.tmux("set-option", "-t", "e2e", "history-limit", "10000")
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True,
                       check=False)


def test_a_learner_session_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    terminal.wait_for("smtp>")
    screen = terminal.wait_for("state: connected")  # the bottom toolbar
    # 83 columns on an 80-column terminal: broken between words, hanging under the text
    assert ("<-  220 smtp-sim.localhost ESMTP smtp-sim ready (a teaching server; no mail\n"
            "    leaves)\n") in screen
    for line, shows in [("EHLO client.example", "<-  250 HELP"),
                        ("MAIL FROM:<alice@example.org>", "<-  250 2.1.0 Sender"),
                        ("RCPT TO:<bob@example.net>", "<-  250 2.1.5 Recipient"),
                        ("DATA", "<-  354 End data with")]:
        terminal.type(line)
        terminal.wait_for(shows)
    screen = terminal.wait_for("a line holding only . ends it")  # the toolbar in DATA
    for line in ["Subject: hello", "", "Hi Bob, this is my first message."]:
        terminal.type(line)
    terminal.type(".")
    terminal.wait_for("<-  250 2.0.0 OK: message accepted")
    terminal.type("HELOO")
    reply = '<** 500 5.5.2 Syntax error: command "HELOO" not recognized\n'
    screen = terminal.wait_for(reply, then="How to fix:")
    explanation = screen.split(reply, 1)[1]
    assert "500 Syntax error" in explanation.splitlines()[0]
    assert "Why:" in explanation and "How to fix:" in explanation
    terminal.type("QUIT")
    terminal.wait_for("<-  221 2.0.0 smtp-sim.localhost closing connection")
    terminal.wait_for("Session over: you sent QUIT")
    terminal.key("C-d")
    done = terminal.done
    deadline = time.monotonic() + TIMEOUT
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert done.read_text().strip() == "0"
    assert " -> QUIT" in terminal.screen()
