"""The console's link to a server: the session open now, and what the next one connects to.

The built-in server (a :class:`~simulator.client.local.LocalConnection` per session) keeps its
store and the scenario's memory (greylisting, rate limits) across ``:reconnect``; over
``--connect`` each session is a :class:`~simulator.client.remote.TcpConnection` to that server.
Nothing here writes on the screen: ``context.py`` says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from simulator.client.connection import Connection, SessionView
from simulator.client.local import LocalConnection
from simulator.client.remote import TcpConnection
from simulator.protocol import Policy, State
from simulator.protocol.memory import Memory

if TYPE_CHECKING:
    from simulator.server.secure import Prepared
    from simulator.server.store import MemoryStore, Usage

CONNECT_WAIT: Final = 300.0
"""Seconds to wait for a real server's reply when the learner can stop waiting (Ctrl-C):
RFC 5321 §4.5.3.2's five minutes for a command's reply."""


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    """What the console was started with, built once (from the command line's options by
    ``faces/console``, from a lesson's setup by ``course.py``) and never changed."""

    lang: str = "en"
    """The language the console starts in (``:lang`` changes the screen's)."""
    color: bool = False
    wrap: bool = False
    """Wrap at word boundaries to the terminal's current width (on a terminal)."""
    policy: Policy = field(default_factory=Policy)
    """The built-in server's policy."""
    security: Prepared | None = None
    """The built-in server's TLS certificate (``--tls``); its policy is ``policy``."""
    connect_to: tuple[str, int] | None = None
    """``--connect HOST:PORT``: a real server instead of the built-in one."""
    verify: bool = False
    """With --connect: refuse a certificate the system does not trust."""
    idle_timeout: float | None = None
    """The built-in server's idle timeout in seconds (a lesson's); None waits for ever."""


class ServerLink:
    """The session open now (``connection``, None when there is none) and the next one's
    server: the settings' at first, a lab host after ``:connect``."""

    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.policy = settings.policy
        """The built-in server's policy for the next session (a lab host's after
        ``:connect``)."""
        self.security = settings.security
        self.connection: Connection | None = None
        self.sessions = 0
        """Sessions opened so far (the built-in server's session ids: S1, S2...)."""
        self.memory = Memory()
        """What the scenario remembers across :reconnect (greylisting, rate limits)."""
        self._store: MemoryStore | None = None

    @property
    def remote(self) -> bool:
        """Whether sessions go to a real server (``--connect``)."""
        return self.settings.connect_to is not None

    def serve(self, policy: Policy, security: Prepared) -> None:
        """From the next session on, the built-in server is this one (a lab host)."""
        self.policy, self.security = policy, security

    def new_connection(self, *, reply_wait: float | None,
                       on_retry: Callable[[str], None]) -> Connection:
        """The next session's connection (not started yet): over ``--connect`` to that
        server, else to the built-in one, whose store is kept across sessions."""
        self.sessions += 1
        settings = self.settings
        if settings.connect_to is not None:
            return TcpConnection(*settings.connect_to, verify=settings.verify,
                                 reply_wait=reply_wait, on_retry=on_retry)
        if self._store is None:
            from simulator.server.store import MemoryStore

            self._store = MemoryStore()  # kept across :reconnect, so :mailbox keeps mail
        security = self.security
        files = None if security is None else security.files
        from simulator.server.deadlines import NO_LIMITS, Timeouts

        timeouts = (NO_LIMITS if settings.idle_timeout is None
                    else Timeouts(settings.idle_timeout))
        return LocalConnection(policy=self.policy, store=self._store,
                               session_id=f"S{self.sessions}", memory=self.memory,
                               tls=None if security is None else security.context,
                               ca=None if files is None else str(files.ca or files.cert),
                               timeouts=timeouts)

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.aclose()
            self.connection = None

    @property
    def closed(self) -> bool:
        return self.connection is None or self.connection.closed

    def view(self) -> SessionView:
        if self.connection is None:
            return SessionView(State.CLOSED, None, 0, 0)
        return self.connection.view()

    @property
    def in_data(self) -> bool:
        return self.view().state is State.DATA

    @property
    def peer(self) -> str:
        return "" if self.connection is None else self.connection.peer

    def store_usage(self) -> Usage | None:
        """How full the built-in server's store is (None over ``--connect``)."""
        if self.remote or self._store is None:
            return None
        return self._store.usage()
