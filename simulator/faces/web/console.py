"""``/console``: an SMTP console in a browser tab, a session of the same server.

Each tab's WebSocket becomes one client of the classroom server: a loopback connection to
the SMTP port, so the session is numbered, limited, logged, explained and shown on the
dashboard and the teacher's page like any student's (its client address is this machine's,
but it counts against ``--max-per-client`` as a connection from the browser's address: the
server asks :meth:`Site.counted_as`, so the consoles of a class behind one address on this
machine do not share 127.0.0.1's limit, and one browser cannot open more than a client may).
The tab is told its session's page (found by the connection's own address, the one the
server was given) and follows it like a student's page; the lines typed go to the server
with CRLF. Guarded: the Origin must be this server's (another site's page cannot drive a
session; RFC 6455 §10.2), at most ``max_streams`` pages and consoles are open at once, and
one message from the browser is at most LINE_LIMIT characters.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Final
from urllib.parse import urlsplit

import trio
from starlette.websockets import WebSocket, WebSocketDisconnect

from simulator.server.tcp import peer_name

from .site import Site

LINE_LIMIT: Final = 4096
"""Characters of one browser message passed on (the server refuses lines past 512 octets
itself, and must see one to say so)."""
RECEIVE_SIZE: Final = 65536
POLICY_VIOLATION: Final = 1008
TRY_AGAIN_LATER: Final = 1013
GONE: Final = (WebSocketDisconnect, RuntimeError, OSError, trio.BrokenResourceError,
               trio.ClosedResourceError)
"""The tab or the server went away (Starlette says RuntimeError for a send after close)."""


def same_origin(websocket: WebSocket) -> bool:
    """The page that opened the socket came from this server (browsers always send Origin)."""
    origin, host = websocket.headers.get("origin", ""), websocket.headers.get("host", "")
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and bool(host) and parts.netloc == host


async def console_socket(site: Site, websocket: WebSocket) -> None:
    """One browser console, for as long as the tab keeps its socket or the server the
    session."""
    if not same_origin(websocket):
        await websocket.close(code=POLICY_VIOLATION)
        return
    if site.streams >= site.max_streams:
        await websocket.close(code=TRY_AGAIN_LATER)
        return
    site.streams += 1
    try:
        await websocket.accept()
        browser = websocket.client.host if websocket.client is not None else ""
        async with _connected(site, browser) as stream, trio.open_nursery() as nursery:
            nursery.start_soon(_replies, site, stream, websocket, nursery.cancel_scope)
            await _lines(websocket, stream)
            nursery.cancel_scope.cancel()
    except GONE:
        pass  # the tab closed before the server answered, or the server is not there
    finally:
        site.streams -= 1


@asynccontextmanager
async def _connected(site: Site, browser: str) -> AsyncIterator[trio.SocketStream]:
    """A connection to the SMTP server that it counts as ``browser``'s: the local address
    is bound and noted before the connection is made, so the server knows it when it
    accepts (:attr:`Site.consoles`), and forgotten when the session is over."""
    host, port = site.smtp_connect
    sock = trio.socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                              socket.SOCK_STREAM)
    local = ""
    try:
        await sock.bind((host, 0))
        local = peer_name(sock.getsockname())
        if browser:
            site.consoles[local] = browser
        await sock.connect((host, port))
        async with trio.SocketStream(sock) as stream:
            yield stream
    finally:
        sock.close()
        site.consoles.pop(local, None)


async def _lines(websocket: WebSocket, stream: trio.SocketStream) -> None:
    """What the tab types, each message a line with CRLF (RFC 5321 §2.3.8), until the tab
    goes (the session then ends as when any client hangs up) or the server closes."""
    with suppress(*GONE):
        while True:
            line = (await websocket.receive_text())[:LINE_LIMIT]
            await stream.send_all(line.encode("utf-8", errors="surrogateescape") + b"\r\n")


async def _replies(site: Site, stream: trio.SocketStream, websocket: WebSocket,
                   done: trio.CancelScope) -> None:
    """The server's bytes to the tab; first, the address of the session's page."""
    peer = peer_name(stream.socket.getsockname())  # as the server names this client
    told = False
    with suppress(*GONE):
        while data := await stream.receive_some(RECEIVE_SIZE):
            if not told and (token := site.pages.token_of(peer)) is not None:
                told = True
                await websocket.send_text(json.dumps({"page": f"/s/{token}"}))
            await websocket.send_text(json.dumps({"wire": data.decode("utf-8", "replace")}))
        await websocket.close()
    done.cancel()
