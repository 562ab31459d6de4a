"""The trio layer: drives the sans-IO engine over any stream.

``serve_stream`` for one session on any ``trio.abc.Stream``, ``open_local_session`` for the
console's in-process session (memory streams, no sockets), ``serve_tcp`` for the classroom;
the conversation loop they share, the TCP listener, the memory stream pair and the stores.
"""

from __future__ import annotations

from .drivers import LocalSession, PeerExchange, open_local_session, serve_stream, serve_tcp

__all__ = ["LocalSession", "PeerExchange", "open_local_session", "serve_stream", "serve_tcp"]
