"""The trio layer: drives the sans-IO engine over any stream.

``serve_stream`` for one session on any ``trio.abc.Stream``, ``open_local_session`` for the
console's in-process session (memory streams, no sockets), ``serve_tcp`` for the classroom
(their options: ``StreamOptions``, ``TcpOptions``, ``Timeouts``; a server's ``Stopping``;
``serve_tcp``'s ``Watchers`` and ``Feed``, the ports it reports, ``Listening``);
the conversation loop they share, the TCP listener, the memory stream pair and the stores.
"""

from __future__ import annotations

from .deadlines import Stopping, Timeouts
from .drivers import (
    Listening,
    LocalSession,
    PeerExchange,
    SessionEnd,
    Watchers,
    open_local_session,
    serve_stream,
    serve_tcp,
)
from .feeds import Feed
from .options import StreamOptions, TcpOptions

__all__ = ["Feed", "Listening", "LocalSession", "PeerExchange", "SessionEnd", "Stopping",
           "StreamOptions", "TcpOptions", "Timeouts", "Watchers", "open_local_session",
           "serve_stream", "serve_tcp"]
