"""``serve --dashboard`` on a real terminal (tmux) with real clients: nc and swaks."""

from __future__ import annotations

import random
import socket
import subprocess
from pathlib import Path

from tests.replies_reader import wire
from tests.smtp_client import GUARD
from tests.tmux import pane


def test_the_dashboard_with_nc_and_swaks(tmp_path: Path) -> None:
    port = random.randint(20000, 60000)
    with pane(tmp_path, "serve", "--dashboard", "--port", str(port), width=120,
              height=35) as term:
        term.wait_for("No student has connected yet")
        subprocess.run(["swaks", "--server", f"127.0.0.1:{port}", "--to", "you@example.org",
                        "--helo", "swaks.example"], capture_output=True, check=True,
                       timeout=GUARD)
        student = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
        student.recv(512)
        # nc without -C: lines end in a bare LF
        subprocess.run(["nc", "-q", "1", "127.0.0.1", str(port)], input=b"HELO nc.example\n",
                       capture_output=True, check=False, timeout=GUARD)
        screen = term.wait_for("command ended with bare LF")
        assert "swaks.example" in screen and "closed" in screen
        assert "sessions: 3" in screen
        term.key("q")
        term.wait_for("Stop the server?")
        term.key("y")
        assert term.status() == "0"
        with student:
            assert student.recv(512) == wire("session.shutdown")
        assert "Class summary: 3 session(s), 1 message(s) accepted." in term.screen()
