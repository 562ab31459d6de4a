"""The browser console of ``serve --web`` as a session of the classroom server: a tab's
WebSocket becomes an SMTP connection from this machine, counted against the browser's own
address for ``--max-per-client`` (not against 127.0.0.1, which every console shares)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import websocket

from tests.smtp_client import GUARD, read_line


@contextmanager
def _open_server(*options: str) -> Iterator[tuple[int, int]]:
    """``serve --host 0.0.0.0 --web 0 OPTIONS``: the SMTP port and the web port."""
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0",
                             "--host", "0.0.0.0", "--web", "0", *options],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        first = read_line(proc)
        assert first.startswith(b"listening on smtp://0.0.0.0:"), first
        found = re.search(rb"http://\S+:(\d+)/", read_line(proc))
        assert found
        read_line(proc)  # the teacher's page
        yield int(first.rsplit(b":", 1)[1]), int(found[1])
    finally:
        proc.kill()
        proc.wait()


def _greeting(web_port: int, browser: str) -> tuple[websocket.WebSocket, str]:
    """A console opened by a browser at ``browser`` (a loopback address of its own): the
    socket and the first reply the server sent it."""
    sock = socket.socket()
    sock.settimeout(GUARD)
    sock.bind((browser, 0))
    sock.connect(("127.0.0.1", web_port))
    url = f"ws://127.0.0.1:{web_port}/console/ws"
    tab = websocket.create_connection(url, socket=sock, origin=f"http://127.0.0.1:{web_port}",
                                      timeout=GUARD)
    while "wire" not in (message := json.loads(tab.recv())):
        pass
    return tab, str(message["wire"])


def test_each_browsers_consoles_count_against_the_browsers_own_address() -> None:
    with _open_server("--max-per-client", "1") as (_, web_port):
        first, said = _greeting(web_port, "127.0.0.2")
        assert said.startswith("220 "), said
        other, said = _greeting(web_port, "127.0.0.3")  # another student's browser
        assert said.startswith("220 "), said  # (was 421: both came from 127.0.0.1)
        again, said = _greeting(web_port, "127.0.0.2")  # the first browser's second tab
        assert said.startswith("421 4.7.0"), said
        for tab in (first, other, again):
            tab.close()


def test_a_console_and_an_smtp_client_from_one_address_share_its_limit() -> None:
    with _open_server("--max-per-client", "1") as (smtp_port, web_port), \
            socket.socket() as student:
        student.settimeout(GUARD)
        student.bind(("127.0.0.4", 0))
        student.connect(("127.0.0.1", smtp_port))
        assert student.recv(512).startswith(b"220 ")
        tab, said = _greeting(web_port, "127.0.0.4")  # the same machine's browser
        assert said.startswith("421 4.7.0"), said
        tab.close()
        student.sendall(b"QUIT\r\n")
        assert student.recv(512).startswith(b"221 ")
