"""Students' pages: an unguessable token per session, the address the greeting gives.

The token (``secrets.token_urlsafe``, 128 bits) is the page's only key: a session number is
easy to guess, and a classmate's page shows what they typed. Bounded: the newest
TOKEN_LIMIT sessions keep their page (the class model forgets old sessions too).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Final

from simulator.lessons.classmodel.model import SESSION_LIMIT

TOKEN_BYTES: Final = 16
TOKEN_LIMIT: Final = 2 * SESSION_LIMIT


class Pages:
    """Token -> session id, and the address of each session's page."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        """``http://HOST:PORT``, as students reach the web server."""
        self._sessions: OrderedDict[str, tuple[str, str]] = OrderedDict()
        """Token -> (session id, client address)."""
        self._by_peer: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def watch(self, session_id: str, peer: str = "") -> str:
        """A new page for ``session_id``: its address (serve_tcp calls this per connection,
        with the client's address: a browser console finds its own session's page by it)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._sessions[token] = (session_id, peer)
            self._by_peer[peer] = token
            while len(self._sessions) > TOKEN_LIMIT:
                self._sessions.popitem(last=False)
            while len(self._by_peer) > TOKEN_LIMIT:
                self._by_peer.popitem(last=False)
        return f"{self.base_url}/s/{token}"

    def token_of(self, peer: str) -> str | None:
        """The token of the newest session from ``peer`` (``host:port``), if any."""
        with self._lock:
            return self._by_peer.get(peer)

    def session(self, token: str) -> str | None:
        """The session the token names; None for a token never given (or forgotten)."""
        found = self.named(token)
        return None if found is None else found[0]

    def named(self, token: str) -> tuple[str, str] | None:
        """The session the token names and its client address (known from the connection,
        before the class model has the session's first Exchange)."""
        with self._lock:
            return self._sessions.get(token)
