"""``smtp-sim serve`` for a whole class (not ``--lesson``: test_lesson.py), as a
process: --log JSON Lines, time stamps, the lines for a session's end and a stored message,
the class summary at exit (SIGTERM, SIGHUP), and --dashboard without a terminal."""

from __future__ import annotations

import errno
import io
import json
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

from simulator.lessons.classroom import say
from simulator.lessons.ui import text
from tests.replies_reader import wire
from tests.smtp_client import GUARD, serve_process


def mistakes(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
        sock.recv(512)
        sock.sendall(b"EHLO typo.example\r\nMAIL FROM: <a@b.example>\r\nQUT\r\n")
        data = b""
        while b'"QUT"' not in data:
            data += sock.recv(4096)
        sock.sendall(b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n")
        while b"354 " not in data:
            data += sock.recv(4096)
        sock.sendall(b"Subject: cut short\r\n")  # then hang up inside DATA


def mail(port: int) -> None:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="good.example", timeout=GUARD) as c:
        c.sendmail("ann@example.org", ["bob@example.net"], b"Subject: hi\r\n\r\nhello\r\n")


def test_log_jsonl_round_trips_and_the_summary_counts_match(tmp_path: Path) -> None:
    log = tmp_path / "class.jsonl"
    log.write_text('{"earlier": "lesson"}\n')  # appended to, never truncated
    with serve_process("--log", str(log), "--maildir", str(tmp_path / "mail")) as (proc, port):
        mail(port)
        mistakes(port)
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            sock.recv(512)
            proc.send_signal(signal.SIGHUP)
            assert sock.recv(512).endswith(wire("session.shutdown"))
        out, err = proc.communicate(timeout=GUARD)
    assert proc.returncode == 0 and b"SIGHUP" in err
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert records[0] == {"earlier": "lesson"}
    exchanges = [r for r in records[1:] if "reply_code" in r]
    assert {tuple(sorted(r)) for r in exchanges} == {(
        "client", "command", "enhanced_code", "key", "reply_code", "session", "state", "time")}
    assert [r["key"] for r in exchanges if r["session"] == "S2"][:4] == [
        "session.greeting", "session.ehlo", "syntax.space-after-colon", "syntax.unknown-command"]
    assert any(r["command"] == "MAIL FROM: <a@b.example>" and r["reply_code"] == 501
               and r["enhanced_code"] == "5.5.4" for r in exchanges)
    ends = {r["session"]: r for r in records[1:] if r.get("event") == "end"}
    assert ends["S1"]["how"] == "quit" and ends["S2"]["how"] == "client"
    assert ends["S2"]["message_discarded"] is True and ends["S3"]["how"] == "server"

    text = out.decode("utf-8")
    lines = text.splitlines()
    log_lines = lines[:lines.index(next(x for x in lines if x.startswith("Class summary")))]
    assert log_lines and all(re.match(r"\d\d:\d\d:\d\d S\d ", line) for line in log_lines)
    stored = next(line for line in lines if "stored in" in line)
    assert str(tmp_path / "mail" / "new") in stored and "message S1-1" in stored
    assert any(line.endswith(say("en", "serve", "ended-client", id="S2", peer="x")
                             .split("x", 1)[1] + say("en", "serve", "discarded"))
               for line in lines)
    summary = text[text.index("Class summary"):].splitlines()
    assert summary[0] == "Class summary: 3 session(s), 1 message(s) accepted."
    assert summary[1] == "1 message(s) discarded: the client hung up inside DATA."
    assert summary[3].split() == ["1", "syntax.space-after-colon", "space", "around", "the",
                                  "colon"]
    assert summary[4].split()[:2] == ["1", "syntax.unknown-command"]


def test_no_timestamps_gives_the_old_line_form() -> None:
    with serve_process("--no-timestamps") as (proc, port):
        mail(port)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=GUARD)
    first = out.decode().splitlines()[0]
    assert first.startswith("S1 127.0.0.1:") and " -> (connected)  <- 220 " in first


def test_dashboard_without_a_terminal_says_so_and_exits_2() -> None:
    result = subprocess.run([sys.executable, "-m", "simulator", "serve", "--dashboard",
                             "--port", "0"], capture_output=True, timeout=GUARD, check=False,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stdout == b""
    assert say("en", "dashboard", "not-a-terminal").encode() in result.stderr


def test_a_log_on_a_full_disk_is_said_once_and_in_the_summary_and_exit_is_0() -> None:
    with serve_process("--log", "/dev/full") as (proc, port):
        mail(port)
        mistakes(port)
        out, err = stop_after_the_log(proc)
    assert proc.returncode == 0, err
    stopped = text("files.log-stopped", "en", path="/dev/full", error="No space left on device")
    assert err.decode("utf-8").count(stopped) == 1 and b"Traceback" not in err
    summary = out.decode("utf-8")[out.decode("utf-8").index("Class summary"):]
    assert summary.startswith("Class summary: 2 session(s), 1 message(s) accepted.")
    assert summary.rstrip().endswith(stopped)


def stop_after_the_log(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    time.sleep(0.3)  # (the log writes every 0.05 s; said at once or at exit, it is said once)
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=GUARD)


class FillingDisk(io.StringIO):
    """A log file whose disk fills after ``room`` flushes."""

    name = "class.jsonl"

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def flush(self) -> None:
        if self.room == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= 1

    def close(self) -> None:
        self.flush()


def test_the_log_stopping_is_news_once_and_closing_it_never_raises() -> None:
    from simulator.faces.serve.classlog import ClassFeed
    from simulator.lessons.classmodel.shared import SharedClass
    from simulator.protocol import State
    from simulator.protocol.events import SessionEnd

    class_feed = ClassFeed(SharedClass(), jsonl=FillingDisk(room=1))
    class_feed.take([SessionEnd("S1", "127.0.0.1:1", State.CLOSED)])
    assert class_feed.log_news() is None and class_feed.log_stopped() is None
    class_feed.take([SessionEnd("S2", "127.0.0.1:2", State.CLOSED)])
    news = class_feed.log_news()
    assert news == text("files.log-stopped", "en", path="class.jsonl",
                        error="No space left on device")
    assert class_feed.log_news() is None and class_feed.log_stopped() == news
    class_feed.close_log()
    assert class_feed.log_stopped() == news


def test_a_log_that_fails_only_at_close_is_said_too() -> None:
    from simulator.faces.serve.classlog import ClassFeed
    from simulator.lessons.classmodel.shared import SharedClass

    class_feed = ClassFeed(SharedClass(), jsonl=FillingDisk(room=0), lang="zh")
    class_feed.close_log()
    assert class_feed.log_news() == text("files.log-stopped", "zh", path="class.jsonl",
                                     error="No space left on device")
