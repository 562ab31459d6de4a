"""The ASGI app of serve --web on a real port (hypercorn's trio worker), read with httpx:
students' pages and their live streams, the teacher's token, the bounds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import httpx
import trio

from simulator.faces.web import run_web
from simulator.faces.web.run import WebSite
from simulator.lessons.classmodel.shared import SharedClass
from simulator.protocol import Policy, Session

PEER = "192.0.2.1:5000"


@asynccontextmanager
async def web(host: str = "127.0.0.1", max_streams: int = 200,
              ) -> AsyncIterator[tuple[WebSite, httpx.AsyncClient, SharedClass]]:
    shared = SharedClass()
    async with trio.open_nursery() as nursery:
        site: WebSite = await nursery.start(partial(run_web, shared, host=host, port=0,
                                                    max_streams=max_streams))
        port = site.base_url.rsplit(":", 1)[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield site, client, shared
        site.stop()


def feed(shared: SharedClass, session: Session, *lines: bytes, sid: str = "S1") -> None:
    """What serve's log thread does: the session's Exchanges into the class model."""
    with shared.lock:
        if sid not in shared.model.sessions:
            shared.model.observe(sid, PEER, session.greeting(), 0.0)
        for line in lines:
            for exchange in session.receive_data(line):
                shared.model.observe(sid, PEER, exchange, 1.0)
        shared.version += 1


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_a_students_page_shows_their_session_explained() -> None:
    async with web() as (site, client, shared):
        page = path_of(site.watch("S1"))
        feed(shared, Session(Policy()), b"MAIL FROM:<a@b.example>\r\n")
        response = await client.get(page)
        assert response.status_code == 200
        assert "MAIL before" in response.text or "before greeting" in response.text
        assert "503 5.5.1" in response.text
        zh = await client.get(page, params={"lang": "zh"})
        assert '<html lang="zh">' in zh.text and "原因" in zh.text


async def test_a_token_never_given_is_a_404_page_and_a_session_number_is_no_token() -> None:
    async with web() as (site, client, shared):
        site.watch("S1")
        feed(shared, Session(Policy()))
        for path in ("/s/S1", "/s/nonsense", "/s/nonsense/events", "/s/x/m/S1-1"):
            response = await client.get(path)
            assert response.status_code == 404, path
            assert "No such page" in response.text


async def test_tokens_are_unguessable_and_differ_per_session() -> None:
    async with web() as (site, _, _):
        tokens = {site.watch("S1").rsplit("/", 1)[1] for _ in range(50)}
        assert len(tokens) == 50 and all(len(token) >= 20 for token in tokens)


async def _events(client: httpx.AsyncClient, path: str, wanted: int,
                  params: dict[str, str] | None = None) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    name = ""
    with trio.fail_after(5):
        async with client.stream("GET", path, params=params) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    found.append((name, json.loads(line[6:])))
                    if len(found) >= wanted:
                        return found
    return found


async def test_the_live_stream_sends_each_new_exchange_explained() -> None:
    async with web() as (site, client, shared):
        page = path_of(site.watch("S1"))
        session = Session(Policy())
        feed(shared, session)  # the greeting: shown by the page itself

        async def later() -> None:
            await trio.sleep(0.3)
            feed(shared, session, b"HELO <script>x</script>\r\n")

        async with trio.open_nursery() as nursery:
            nursery.start_soon(later)
            events = await _events(client, page + "/events", 3,
                                   {"lang": "en", "shown": "1", "end": "50"})
        names = [name for name, _ in events]
        assert names[:2] == ["status", "list"]
        name, data = events[2]
        assert name == "exchange" and isinstance(data, dict) and data["error"] is True
        assert ["sent", "HELO <script>x</script>\n"] in data["fragments"]


async def test_the_teacher_needs_the_token_off_loopback() -> None:
    async with web(host="0.0.0.0") as (site, client, shared):
        feed(shared, Session(Policy()))
        token = site.site.teacher_token
        assert token is not None
        for path in ("/teacher", "/teacher/events", "/teacher/s/S1", "/teacher/m/S1-1"):
            refused = await client.get(path)
            assert refused.status_code == 403 and "token" in refused.text, path
        assert (await client.get("/teacher", params={"token": "wrong"})).status_code == 403
        allowed = await client.get("/teacher", params={"token": token})
        assert allowed.status_code == 200 and "S1" in allowed.text
        assert (await client.get("/teacher/s/S1")).status_code == 200  # the cookie now
        assert any(token in line for line in site.announce("0.0.0.0", 25))


async def test_on_loopback_the_teacher_needs_no_token() -> None:
    async with web() as (site, client, shared):
        feed(shared, Session(Policy()))
        assert (await client.get("/teacher")).status_code == 200
        assert not any("token" in line for line in site.announce("127.0.0.1", 25))


async def test_the_teacher_opens_a_message_headers_body_raw() -> None:
    async with web() as (_, client, shared):
        feed(shared, Session(Policy()), b"EHLO c.example\r\nMAIL FROM:<a@x.example>\r\n",
             b"RCPT TO:<b@y.example>\r\n", b"DATA\r\n",
             b"Subject: =?utf-8?b?5L2g5aW9?=\r\n\r\nhello <b>\r\n.\r\n")
        listing = await client.get("/teacher")
        assert "/teacher/m/S1-1" in listing.text and "你好" in listing.text
        message = await client.get("/teacher/m/S1-1")
        assert message.status_code == 200
        assert "你好" in message.text and "hello &lt;b&gt;" in message.text
        assert "=?utf-8?b?5L2g5aW9?=" in message.text  # the raw text
        assert (await client.get("/teacher/m/S9-9")).status_code == 404


async def test_open_streams_are_bounded() -> None:
    async with web(max_streams=1) as (site, client, shared):
        page = path_of(site.watch("S1"))
        feed(shared, Session(Policy()))
        async with client.stream("GET", page + "/events") as first:
            assert first.status_code == 200
            lines = first.aiter_lines()  # kept: a dropped iterator closes the response
            await lines.__anext__()
            second = await client.get(page + "/events")
            assert second.status_code == 503 and "at most 1" in second.text


def _handshake(port: int, origin: str) -> bytes:
    """The status line of a WebSocket opening handshake to /console/ws (RFC 6455 §4.1)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET /console/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n".encode())
        return sock.recv(4096).split(b"\r\n", 1)[0]


async def test_the_browser_console_accepts_only_its_own_origin() -> None:
    async with web() as (site, client, _):
        port = int(site.base_url.rsplit(":", 1)[1])
        page = await client.get("/console")
        assert page.status_code == 200 and 'id="line"' in page.text
        evil = await trio.to_thread.run_sync(_handshake, port, "http://evil.example")
        assert b" 403" in evil
        own = await trio.to_thread.run_sync(_handshake, port, f"http://127.0.0.1:{port}")
        assert b" 101" in own


async def test_the_browser_consoles_count_among_the_open_streams() -> None:
    async with web(max_streams=1) as (site, client, shared):
        port = int(site.base_url.rsplit(":", 1)[1])
        page = path_of(site.watch("S1"))
        feed(shared, Session(Policy()))
        async with client.stream("GET", page + "/events") as first:
            lines = first.aiter_lines()  # kept: a dropped iterator closes the response
            await lines.__anext__()
            refused = await trio.to_thread.run_sync(_handshake, port, f"http://127.0.0.1:{port}")
            assert b" 101" not in refused


async def test_a_page_opened_before_the_model_has_the_session_names_its_client() -> None:
    async with web() as (site, client, shared):
        page = path_of(site.watch("S1", PEER))  # the greeting names it; the model has nothing yet
        early = await client.get(page)
        assert early.status_code == 200
        assert f"<title>Session S1 from {PEER}, explained</title>" in early.text
        assert f"<h1>Session S1 from {PEER}, explained</h1>" in early.text
        feed(shared, Session(Policy()))
        later = await client.get(page)
        assert f"<h1>Session S1 from {PEER}, explained</h1>" in later.text
