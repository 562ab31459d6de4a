"""TCP plumbing for ``serve_tcp``: bind, accept, and a lean stream over each accepted socket.

:class:`SocketConnection` is a ``trio.abc.HalfCloseableStream`` (a :class:`Wire`) over a
plain non-blocking socket, waiting through ``trio.lowlevel``: ``trio.SocketStream`` over a
trio socket does the same with several layers of context managers per call, and a classroom
server spends most of its time in exactly these calls (one receive and one send per SMTP
command); profiling under ``smtp-source`` load showed those layers costing about a third of
each session. Errors are translated as trio does: a socket failure is
``BrokenResourceError``, a closed socket ``ClosedResourceError``.
"""

from __future__ import annotations

import errno
import logging
import operator
import socket
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Final

import trio

from simulator.server.closing import RECEIVE_SIZE
from simulator.server.notices import notice
from simulator.server.wire import Wire

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


class SocketConnection(Wire):
    """One accepted TCP connection (a non-blocking stdlib socket), as a trio stream.

    Each receive waits for readability first (in a request/response protocol the next
    command is rarely there yet), so it costs one recv instead of a failed one and a retry.
    Waiting is the checkpoint, as trio requires of every stream call; a send that goes
    through at once still yields once to the scheduler afterwards (the contract, and what
    keeps one fast client from starving the others), except :meth:`send_then_receive`,
    whose caller's next receive yields instead. A second task sending (or receiving)
    while one already is gets ``BusyResourceError``; the tests run
    ``trio.testing.check_half_closeable_stream`` on it.
    """

    __slots__ = ("_eof_sent", "_receiving", "_sending", "socket")

    def __init__(self, sock: socket.socket) -> None:
        self.socket = sock
        self._sending = False
        self._receiving = False
        self._eof_sent = False

    async def receive_some(self, max_bytes: int | None = None) -> bytes:
        size = RECEIVE_SIZE if max_bytes is None else operator.index(max_bytes)
        if size < 1:
            raise ValueError("max_bytes must be at least 1")
        self._check_open()
        if self._receiving:
            raise trio.BusyResourceError("another task is already receiving on this connection")
        self._receiving = True
        try:
            while True:
                try:
                    await trio.lowlevel.wait_readable(self.socket)
                    return self.socket.recv(size)
                except BlockingIOError:
                    continue  # woken but nothing there after all: wait again
                except OSError as exc:
                    raise _stream_error(exc) from exc
        finally:
            self._receiving = False

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        await self.send_then_receive(data)
        await trio.lowlevel.cancel_shielded_checkpoint()

    async def send_then_receive(self, data: bytes | bytearray | memoryview) -> None:
        """``send_all`` for a caller whose next call on this connection is
        :meth:`receive_some`: a cancellation point, but the yield to the scheduler is left to
        that receive (which always waits for readability first), so a reply costs one pass
        of trio's run loop instead of two. A send that must wait still yields while it waits.
        """
        self._start_sending()
        try:
            await trio.lowlevel.checkpoint_if_cancelled()
            if len(data) == (sent := self._send_some(data)):  # the usual case: all at once
                return
            view = memoryview(data)
            while sent < len(view):
                await self._wait_writable()
                sent += self._send_some(view[sent:])
        finally:
            self._sending = False

    def _send_some(self, data: bytes | bytearray | memoryview) -> int:
        """Octets the socket took now (0 when its buffer is full)."""
        try:
            return self.socket.send(data)
        except BlockingIOError:
            return 0
        except OSError as exc:
            raise _stream_error(exc) from exc

    async def wait_send_all_might_not_block(self) -> None:
        self._start_sending()
        try:
            await self._wait_writable()
        finally:
            self._sending = False

    async def send_eof(self) -> None:
        self._check_open()
        if self._sending:
            raise trio.BusyResourceError("another task is sending on this connection")
        await trio.lowlevel.checkpoint()
        if self._eof_sent:
            return
        self._eof_sent = True
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError as exc:
            raise _stream_error(exc) from exc

    async def aclose(self) -> None:
        if self.socket.fileno() != -1:
            trio.lowlevel.notify_closing(self.socket)
            self.socket.close()
        await trio.lowlevel.checkpoint()

    async def aclose_now(self) -> None:
        # aclose closes before its one checkpoint, so it is already at once: forcing it
        # (trio.aclose_forcefully) only added a Cancelled raised and caught, ~25 µs a client.
        await self.aclose()

    async def _wait_writable(self) -> None:
        try:
            await trio.lowlevel.wait_writable(self.socket)
        except OSError as exc:
            raise _stream_error(exc) from exc

    def _start_sending(self) -> None:
        self._check_open()
        if self._eof_sent:
            raise trio.ClosedResourceError("this connection's sending side was closed")
        if self._sending:
            raise trio.BusyResourceError("another task is already sending on this connection")
        self._sending = True

    def _check_open(self) -> None:
        if self.socket.fileno() == -1:
            raise trio.ClosedResourceError("the connection was already closed")


def _stream_error(exc: OSError) -> trio.BrokenResourceError | trio.ClosedResourceError:
    if exc.errno == errno.EBADF:
        return trio.ClosedResourceError("the connection was already closed")
    return trio.BrokenResourceError(f"the connection broke: {exc}")


class ListenError(OSError):
    """A port that could not be bound, with the host and port it was (serve listens on two
    with ``--tls-port``, so the message must say which one failed)."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.host = host
        self.port = port


async def open_listeners(host: str, port: int) -> list[trio.SocketListener]:
    """Bind ``host``:``port`` with trio's default (largest) listen backlog.

    A name may resolve to several addresses; with port 0 each would get its own port, so
    only the first is kept, and there is one port to print. :class:`ListenError` when the
    port cannot be bound.
    """
    try:
        listeners = await trio.open_tcp_listeners(port, host=host)
    except OSError as err:
        raise ListenError(host, port, err) from err
    if port == 0:
        for extra in listeners[1:]:
            await extra.aclose()
        listeners = listeners[:1]
    return listeners


async def accept_connections(listener: trio.SocketListener, handle: Handler,
                             nursery: trio.Nursery) -> None:
    """Accept until cancelled, starting ``handle(connection, peer)`` in ``nursery`` for each.

    Every client waiting in the kernel queue is accepted in one go (a burst of connects is
    taken in as fast as it arrives). A client that vanished before it was accepted is
    skipped; when the process runs out of file descriptors, accepting pauses briefly
    instead of failing, and the kernel queue holds the waiting clients meanwhile.
    """
    listening = socket.socket(fileno=listener.socket.detach())
    listening.setblocking(False)
    starved = Starved()
    try:
        while True:
            await trio.lowlevel.wait_readable(listening)
            await accept_waiting(listening, handle, nursery, starved)
    finally:
        trio.lowlevel.notify_closing(listening)
        listening.close()


class Starved:
    """Running out of descriptors, logged once per burst: when it starts, and when it ends
    (with how many pauses it took), not every ACCEPT_PAUSE."""

    def __init__(self) -> None:
        self.pauses = 0

    def pause(self, exc: OSError) -> None:
        if not self.pauses:
            log.error("cannot accept clients (%s); pausing until descriptors are free", exc,
                      extra=notice("serve.warn-no-descriptors", error=exc.strerror or exc))
        self.pauses += 1

    def accepted(self) -> None:
        if self.pauses:
            log.warning("accepting clients again (after %d pauses of %s s)", self.pauses,
                        ACCEPT_PAUSE, extra=notice("serve.warn-accepting", count=self.pauses,
                                                   seconds=ACCEPT_PAUSE))
            self.pauses = 0


async def accept_waiting(listening: socket.socket, handle: Handler, nursery: trio.Nursery,
                         starved: Starved) -> None:
    """Accept every client the kernel has queued on ``listening``."""
    while True:
        try:
            sock, address = listening.accept()
        except BlockingIOError:
            return
        except OSError as exc:
            if exc.errno in _OUT_OF_RESOURCES:
                starved.pause(exc)
                await trio.sleep(ACCEPT_PAUSE)
            elif exc.errno not in _CLIENT_GONE_BEFORE_ACCEPT:
                raise
            continue
        starved.accepted()
        sock.setblocking(False)
        with suppress(OSError):  # a client already gone: its session will find out
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        nursery.start_soon(handle, SocketConnection(sock), peer_name(address))


def peer_name(address: object) -> str:
    """``host:port`` of a client address (``[v6]:port`` for IPv6)."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return str(address) or "unknown"
