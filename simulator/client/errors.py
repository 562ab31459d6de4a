"""Connection failures told as a sentence: ``cannot connect to 127.0.0.1:1: connection
refused (is a server running there?)``, not trio's ``all attempts ... failed`` or a tuple."""

from __future__ import annotations

import errno
import socket
from typing import Final

from simulator.lessons.ui import text

REASONS: Final = {
    errno.ECONNREFUSED: "refused",
    errno.ETIMEDOUT: "timed-out",
    errno.EHOSTUNREACH: "unreachable",
    errno.ENETUNREACH: "unreachable",
    errno.ECONNRESET: "reset",
}


class NoGreeting(TimeoutError):
    """The server took the connection but sent no greeting in time (``connect.no-greeting``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(errno.ETIMEDOUT, f"no greeting within {seconds:g} s")
        self.seconds = seconds


class ClosedBeforeGreeting(ConnectionResetError):
    """The server closed the connection before its greeting (``connect.closed-early``)."""

    def __init__(self) -> None:
        super().__init__(errno.ECONNRESET, "closed before the greeting")


def connect_timed_out(seconds: float) -> TimeoutError:
    """No TCP connection within ``seconds`` (``connect.timed-out``)."""
    return TimeoutError(errno.ETIMEDOUT, f"no connection within {seconds:g} s")


def _root(err: BaseException) -> BaseException:
    """The first concrete error under trio's ``all attempts to connect ... failed``."""
    cause = err.__cause__
    while isinstance(cause, BaseExceptionGroup) and cause.exceptions:
        cause = cause.exceptions[0]
    return cause if isinstance(cause, OSError) else err


def reason_key(err: OSError) -> str:
    """The UI text key (``connect.refused``...) that says why ``err`` happened."""
    root = _root(err)
    if isinstance(root, NoGreeting):
        return "connect.no-greeting"
    if isinstance(root, ClosedBeforeGreeting):
        return "connect.closed-early"
    if isinstance(root, socket.gaierror):
        return "connect.unknown-host"
    number = getattr(root, "errno", None)
    return f"connect.{REASONS.get(number, 'other') if isinstance(number, int) else 'other'}"


def connect_error(err: OSError, peer: str, lang: str) -> str:
    """The whole sentence for a failed connection to ``peer``."""
    root = _root(err)
    detail = getattr(root, "strerror", None) or str(root)
    seconds = f"{root.seconds:g}" if isinstance(root, NoGreeting) else ""
    reason = text(reason_key(err), lang, detail=detail, seconds=seconds)
    return text("connect.cannot", lang, peer=peer, reason=reason)
