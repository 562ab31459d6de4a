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


def test_the_messages_pane_on_a_narrow_terminal_with_nc_hanging_up_inside_data(
        tmp_path: Path) -> None:
    with socket.socket() as probe:  # a free port (random ones collided with other tests)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pane(tmp_path, "serve", "--dashboard", "--port", str(port), width=60,
              height=30) as term:
        term.wait_for("No student has connected yet")
        subprocess.run(["swaks", "--server", f"127.0.0.1:{port}", "--to", "you@example.org",
                        "--helo", "swaks.example", "--header", "Subject: from swaks"],
                       capture_output=True, check=True, timeout=GUARD)
        half = (b"EHLO a-long-student-laptop-name.example\r\nMAIL FROM:<a@b.example>\r\n"
                b"RCPT TO:<c@d.example>\r\nDATA\r\nSubject: half\r\n\r\nhalf\r\n")
        subprocess.run(["nc", "-C", "-q", "1", "127.0.0.1", str(port)], input=half,
                       capture_output=True, check=False, timeout=GUARD)
        screen = term.wait_for("messages discarde…")  # the title, cut to 60 columns
        table = screen.splitlines()[1:4]
        assert table[0].split() == ["id", "HELO", "errs", "last", "reply"]  # no address
        assert table[1].split()[1:] == ["swaks.example", "0", "221", "closing"]
        assert table[2].split()[1:] == ["a-long-student-…", "0", "354", "send", "the",
                                        "message", "text"]
        term.key("m")
        listed = term.wait_for("Messages: 2 listed")
        assert "from swaks" in listed and "discarded: hung up inside DATA" in listed
        term.key("Up", "Enter")
        opened = term.wait_for("Message 1 from swaks.example (S1)")
        assert "Subject: from swaks" in opened and "Body" in opened
        term.key("Escape")  # back to the list (m leaves it: Esc then a key is Alt+key)
        term.wait_for("Messages: 2 listed")
        term.key("m")
        term.wait_for("id    HELO")
        term.key("l")
        term.wait_for("丢弃的邮件：1")
        term.key("q")
        term.wait_for("停止服务器吗")
        term.key("y")
        assert term.status() == "0"
        assert "有 1 封邮件被丢弃：客户端在 DATA 中断开了连接。" in term.screen()
