"""``smtp-sim serve --web`` as a process: the start lines, the greeting naming the page,
the page itself, a web port that cannot be bound, and one signal stopping both servers."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.smtp_client import GUARD, read_line, serve_process

PAGE = re.compile(r"watch this session explained at (http://127\.0\.0\.1:(\d+)/s/[\w-]{20,})$")


def _web_port(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    pages = read_line(proc).decode()
    teacher = read_line(proc).decode()
    found = re.match(r"web pages on http://127\.0\.0\.1:(\d+)/ ", pages)
    assert found, pages
    assert teacher.startswith(f"teacher's page: http://127.0.0.1:{found[1]}/teacher"), teacher
    return int(found[1]), teacher


def test_the_greeting_names_a_page_that_explains_the_session() -> None:
    with serve_process("--web", "0") as (proc, port):
        web_port, _ = _web_port(proc)
        banner, reply = _mistake(port)
        url = PAGE.search(banner)
        assert url is not None and url[2] == str(web_port), banner
        assert reply.startswith("503 5.5.1")
        page = _page(url[1])  # straight away: the page exists before the model has it
        assert page.startswith("<!doctype html>")
        deadline = time.monotonic() + GUARD
        while "503 5.5.1" not in page and time.monotonic() < deadline:
            time.sleep(0.1)
            page = _page(url[1])
        assert "MAIL FROM:&lt;a@b.example&gt;" in page and "Session S1 from 127.0.0.1:" in page
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=GUARD) == 0
    for bound in (port, web_port):  # both servers let go of their ports
        with socket.socket() as probe:  # (SO_REUSEADDR: only a listener still there fails)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", bound))
            probe.listen()


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=GUARD) as response:
        return str(response.read().decode())


def _mistake(port: int) -> tuple[str, str]:
    """A student who forgot EHLO: the greeting they read, and the reply to MAIL."""
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
        reader = sock.makefile("rb")
        banner = reader.readline().decode().strip()
        sock.sendall(b"MAIL FROM:<a@b.example>\r\n")
        reply = reader.readline().decode().strip()
        sock.sendall(b"QUIT\r\n")
        reader.readline()
        return banner, reply


def test_an_unknown_page_is_a_404() -> None:
    with serve_process("--web", "0") as (proc, _):
        web_port, _ = _web_port(proc)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{web_port}/s/S1", timeout=GUARD)
        assert refused.value.code == 404


def test_a_web_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        proc = subprocess.run(["smtp-sim", "serve", "--port", "0", "--web", str(busy)],
                              capture_output=True, timeout=GUARD, check=False)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith(f"smtp-sim serve: cannot listen on 127.0.0.1:{busy}: ")
    assert b"Traceback" not in proc.stderr and b"listening on" not in proc.stdout


def test_with_a_lesson_a_students_page_shows_its_steps_ticked() -> None:
    with serve_process("--web", "0", "--lesson", "5") as (proc, port):
        while not read_line(proc).startswith(b"web pages on"):
            pass  # the lesson's start line comes first
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
            reader = sock.makefile("rb")
            url = PAGE.search(reader.readline().decode().strip())
            assert url is not None
            for command in (b"EHLO pc.example", b"MAIL FROM:<a@school.example>",
                            b"RCPT TO:<b@school.example>", b"DATA"):
                sock.sendall(command + b"\r\n")
                while reader.readline()[3:4] == b"-":
                    pass
            page, deadline = _page(url[1]), time.monotonic() + GUARD
            while "Lesson: 1 of" not in page and time.monotonic() < deadline:
                time.sleep(0.1)
                page = _page(url[1])
        assert '<li class="step-done">✓ Open a transaction (sender, recipient) and send DATA' in page
        assert '<li class="step-now">▶ Type a From: header' in page
        zh = _page(url[1] + "?lang=zh")
        assert "本课的步骤" in zh and "✓ 开启事务" in zh
