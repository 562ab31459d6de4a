"""What a server is told besides its policy and its store: how long a client may take, the
certificate, the memory shared across sessions, and for TCP where to listen.

:class:`StreamOptions` are for :func:`~simulator.server.serve_stream` (one session on any
stream); :class:`TcpOptions` for :func:`~simulator.server.serve_tcp` (the classroom server).
Both are frozen: a server's options are decided once, and every session sees the same.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from simulator.protocol.memory import Memory
from simulator.server.addresses import is_loopback
from simulator.server.deadlines import IDLE_SECONDS, NO_LIMITS, Timeouts

__all__ = ["CLASSROOM_TIMEOUTS", "MAX_PER_CLIENT", "StreamOptions", "TcpOptions",
           "per_client_limit"]

CLASSROOM_TIMEOUTS: Final = Timeouts(IDLE_SECONDS)
"""The limits of ``smtp-sim serve`` by default: RFC 5321's five minutes of silence, and its
limits for message text."""
MAX_PER_CLIENT: Final = 50
"""Connections one client address may hold at once when the server listens beyond loopback
(Postfix's smtpd_client_connection_count_limit is 50 too)."""


def per_client_limit(host: str, given: int | None) -> int:
    """The cap on connections per client address for a server listening on ``host``:
    ``given`` when there is one (0: none), else MAX_PER_CLIENT, except on loopback, where the
    whole classroom may be one machine, so there is none."""
    if given is not None:
        return given
    return 0 if is_loopback(host) else MAX_PER_CLIENT


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """How :func:`~simulator.server.serve_stream` holds its one session."""

    timeouts: Timeouts = NO_LIMITS
    """How long the client may take; a client too slow is told 421 4.4.2 (RFC 5321 §4.5.3.2).
    By default no limit at all."""
    tls: ssl.SSLContext | None = None
    """The server's certificate: STARTTLS upgrades the stream to TLS. Without it a policy
    that offers STARTTLS answers 454."""
    memory: Memory | None = None
    """What the scenario remembers across sessions (greylisted triplets, messages per
    client address); None: this session remembers for itself only."""
    peer: str = "memory"
    """Who the client is, for the Received: header and the logs."""
    session_id: str = "S1"
    """The session's name: the prefix of its queue ids (``S1-1``), and in the logs."""


@dataclass(frozen=True, slots=True)
class TcpOptions:
    """Where and how :func:`~simulator.server.serve_tcp` listens, and what its sessions share."""

    host: str = "127.0.0.1"
    """Loopback unless told otherwise: nothing leaves the machine by accident."""
    port: int = 2525
    """0: any free port (serve_tcp's ``task_status.started`` says which)."""
    max_clients: int = 200
    """Open sessions at most; a client beyond them is told 421 4.7.0 at once and let go."""
    max_per_client: int = 0
    """Open sessions per client address at most (0: no cap); a connection beyond them is
    told 421 4.7.0 at once and let go (see :func:`per_client_limit`)."""
    timeouts: Timeouts = CLASSROOM_TIMEOUTS
    """How long each client may take (see :class:`StreamOptions`)."""
    tls: ssl.SSLContext | None = None
    """The server's certificate for STARTTLS (see :class:`StreamOptions`)."""
    tls_port: int | None = None
    """With ``tls``: this port too, speaking implicit TLS (RFC 8314: the handshake before
    the greeting, as on port 465). 0: any free port."""
    memory: Memory | None = None
    """What the scenario remembers across the sessions; None: a new memory for this server."""
    watch_ahead: float = 0.0
    """Seconds to wait before the greeting and each reply, to see whether the client sends
    before it was answered (``Exchange.sent_ahead``), as Postfix's postscreen waits before
    its greeting to catch clients that talk first (its "pregreet" test). 0: never waits
    (``serve``); ``grade`` sets it."""
    watch: Callable[[str, str], str] | None = None
    """``serve --web``: the address of a session's own web page, given its session id and
    client address (the page is made when this is called); the greeting names it. None: the
    plain greeting."""
    counted_as: Callable[[str], str | None] | None = None
    """``serve --web``: the client address a connection counts against for
    ``max_per_client`` when it is not its own, given its ``host:port`` (a browser console
    connects from this machine for a browser elsewhere); None, or None back: its own."""
