"""The client side of a session: the built-in server (in memory) or a real one (TCP).

Both turn "send these bytes" into a :class:`Step`: the bytes sent and every reply that came
back, as exact wire bytes plus what is known about each (with the built-in server, the
engine's Exchange, which carries the reply key the lessons explain by). It sits below every
face: the console and ``smtp-sim run`` (``transcript``) both drive these classes, so there
is no prompt_toolkit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

from simulator.client.tls import (
    TlsInfo,
)
from simulator.protocol import Exchange, State

if TYPE_CHECKING:
    from simulator.lessons.annotate import Annotation
    from simulator.server.store import StoredMessage

REPLY_WAIT: Final = 10.0
"""Seconds to wait for a reply that must come (a command line, the final dot)."""
CONNECT_WAIT: Final = 30.0
"""Seconds to open a TCP connection and receive the server's greeting before giving up and
saying why: Postfix's ``smtp_connect_timeout`` is 30 s. RFC 5321 §4.5.3.2.1 lets a client wait
five minutes for the greeting, but a learner at a console is told what happened sooner."""
STRAY_WAIT: Final = 0.05
"""Seconds to listen, on TCP, for replies nobody asked for (message text, extra replies)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One reply as the client received it."""

    wire: bytes
    code: int
    """0 when the bytes were not an SMTP reply."""
    enhanced: str | None
    lines: tuple[str, ...]
    closes: bool
    exchange: Exchange | None = None
    """The engine's Exchange (built-in server only): the reply key says why."""
    problem: str = ""
    """A UI text key when the client gave up on this reply (``connect.reply-too-long``)."""
    after: str = ""
    """Over TCP: the verb of the command this reply answers (``MAIL``, ``DOT``), if known."""
    host: str | None = None
    """The built-in server's name, for ``{host}`` in the explanation: after ``:connect`` a
    lab host's (smtp.example.org), which a reply that does not name it cannot tell."""


@dataclass(frozen=True, slots=True)
class Step:
    """What one send did: the bytes sent and the replies. ``sent`` is None when nothing
    was sent: the greeting, or what the server said unasked (LocalConnection.wait_unsolicited)."""

    sent: bytes | None
    answers: tuple[Answer, ...]
    state_before: State = State.CONNECTED
    tls: TlsInfo | None = None
    """Set when this step ended with a TLS handshake (after 220 to STARTTLS)."""
    tls_refused: str | None = None
    """Set when ``--verify`` refused the certificate (why); the connection is closed."""
    stopped: bool = False
    """The learner stopped waiting for the replies (Ctrl-C over ``--connect``)."""


@dataclass(frozen=True, slots=True)
class SessionView:
    """What the toolbar shows about the session."""

    state: State
    sender: str | None
    recipients: int
    accepted: int
    errors: int | None = None
    """Errors spent of the session's budget (built-in server only), and that budget."""
    budget: int = 0
    tls: bool = False
    user: str | None = None
    """Who logged in with AUTH ("" when the name is not known)."""
    connecting: bool = False
    """Over TCP: the connection is being opened, or the greeting is awaited."""


def explain(answer: Answer, lang: str) -> Annotation | None:
    """The explanation of ``answer``: by reply key when the engine sent it, else by code."""
    from simulator.lessons.annotate import annotate, annotate_reply

    if answer.exchange is not None:
        return _near_miss(annotate(answer.exchange, lang, host=answer.host), answer.exchange)
    if answer.code == 0:
        return None
    return annotate_reply(answer.code, answer.enhanced, "\n".join(answer.lines), lang,
                          after=answer.after)


def _near_miss(annotation: Annotation, exchange: Exchange) -> Annotation:
    """A 500 for an unknown verb one or two typos from a real one says which it may be."""
    if exchange.reply.key != "syntax.unknown-command":
        return annotation
    import dataclasses

    from simulator.client.nearmiss import suggest
    from simulator.lessons.ui import text

    verb = suggest(exchange.reply.fact("verb"))  # the word the engine did not know
    if verb is None:
        return annotation
    hint = text("explain.did-you-mean", annotation.lang, verb=verb)
    gap = text("words.sentence-separator", annotation.lang)  # none after Chinese "？"
    return dataclasses.replace(annotation, why=f"{hint}{gap}{annotation.why}")


class Connection(Protocol):
    """What a face (console, ``run``) needs from a server, built-in or remote."""

    peer: str

    async def start(self) -> Step: ...
    async def send(self, data: bytes) -> Step: ...
    async def aclose(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def view(self) -> SessionView: ...
    def messages(self) -> list[StoredMessage] | None: ...


def parse_peer(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``[v6]:PORT``; ``HOST`` alone means port 25) -> (host, port)."""
    host, colon, port = text.rpartition(":")
    if not colon or "]" in port:
        host, port = text, "25"
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)



