"""TCP plumbing for ``serve_tcp``: bind, accept, and a lean stream over each accepted socket.

:class:`SocketConnection` is a ``trio.abc.HalfCloseableStream`` over a trio socket, like
``trio.SocketStream`` but without its per-call context managers and extra socket options:
a classroom server spends most of its time in exactly these calls (one send and one receive
per SMTP command), and profiling showed them costing a quarter of each session. Errors are
translated the same way: a socket failure is ``BrokenResourceError``, a closed socket
``ClosedResourceError``.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Final

import trio

RECEIVE_SIZE: Final = 16 * 1024
"""Octets read per receive when the caller names no size."""
ACCEPT_PAUSE: Final = 0.1
"""Seconds to wait before accepting again when the process is out of file descriptors."""
_OUT_OF_RESOURCES: Final = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS})
_CLIENT_GONE_BEFORE_ACCEPT: Final = frozenset({
    errno.ECONNABORTED, errno.EPROTO, errno.EPERM, errno.ECONNRESET, errno.ETIMEDOUT,
    errno.ENETDOWN, errno.ENETUNREACH, errno.EHOSTDOWN, errno.EHOSTUNREACH, errno.ENOPROTOOPT,
    errno.EOPNOTSUPP,
})

Handler = Callable[["SocketConnection", str], Awaitable[None]]

log = logging.getLogger(__name__)


class SocketConnection(trio.abc.HalfCloseableStream):
    """One accepted TCP connection, as a trio stream."""

    def __init__(self, sock: trio.socket.SocketType) -> None:
        self.socket = sock

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        view, sent = memoryview(data), 0
        try:
            if not view:
                await trio.lowlevel.checkpoint()
            while sent < len(view):
                sent += await self.socket.send(view[sent:])
        except OSError as exc:
            raise _stream_error(exc) from exc

    async def wait_send_all_might_not_block(self) -> None:
        try:
            await self.socket.wait_writable()
        except OSError as exc:
            raise _stream_error(exc) from exc

    async def receive_some(self, max_bytes: int | None = None) -> bytes:
        try:
            return await self.socket.recv(max_bytes or RECEIVE_SIZE)
        except OSError as exc:
            raise _stream_error(exc) from exc

    async def send_eof(self) -> None:
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError as exc:
            raise _stream_error(exc) from exc
        await trio.lowlevel.checkpoint()

    async def aclose(self) -> None:
        self.socket.close()
        await trio.lowlevel.checkpoint()


def _stream_error(exc: OSError) -> trio.BrokenResourceError | trio.ClosedResourceError:
    if exc.errno == errno.EBADF:
        return trio.ClosedResourceError("the connection was already closed")
    return trio.BrokenResourceError(f"the connection broke: {exc}")


async def open_listeners(host: str, port: int) -> list[trio.SocketListener]:
    """Bind ``host``:``port`` with trio's default (largest) listen backlog.

    A name may resolve to several addresses; with port 0 each would get its own port, so
    only the first is kept, and there is one port to print.
    """
    listeners = await trio.open_tcp_listeners(port, host=host)
    if port == 0:
        for extra in listeners[1:]:
            await extra.aclose()
        listeners = listeners[:1]
    return listeners


async def accept_connections(listener: trio.SocketListener, handle: Handler,
                             nursery: trio.Nursery) -> None:
    """Accept forever, starting ``handle(connection, peer)`` in ``nursery`` for each client.

    A client that vanishes before it is accepted is skipped; when the process runs out of
    file descriptors, accepting pauses briefly instead of failing (the kernel queue holds
    the waiting clients meanwhile).
    """
    async with listener:
        while True:
            try:
                sock, address = await listener.socket.accept()
            except OSError as exc:
                if exc.errno in _OUT_OF_RESOURCES:
                    log.error("cannot accept a client (%s); pausing", exc)
                    await trio.sleep(ACCEPT_PAUSE)
                elif exc.errno not in _CLIENT_GONE_BEFORE_ACCEPT:
                    raise
                continue
            with suppress(OSError):  # a client already gone: its session will find out
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            nursery.start_soon(handle, SocketConnection(sock), peer_name(address))


def peer_name(address: object) -> str:
    """``host:port`` of a client address (``[v6]:port`` for IPv6)."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return str(address) or "unknown"
