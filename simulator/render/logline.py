"""One printable line per Exchange, for the ``smtp-sim serve`` log.

A line says who (session id and peer), what the client sent (`` -> ``, as swaks marks it) and
what the server answered (``<- ``). Client bytes pass through :func:`show_bytes`, so nothing a
student sends can move the instructor's cursor, change colours or clear the screen, and
credentials are masked (``AUTH PLAIN ****``, ``****`` for a 334 answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from simulator.protocol import EndOfData, Exchange
from simulator.protocol.credentials import shown_line, shown_reply
from simulator.protocol.escape import show_bytes

MAX_SHOWN: Final = 120
"""Characters of a client line shown before ``...``: an over-long line must not flood the log."""

WITHOUT_LINE: Final[Mapping[str, str]] = MappingProxyType({
    "session.greeting": "(connected)",
    "session.greeting-scenario": "(connected)",
    "session.too-many-clients": "(connected)",
    "session.too-many-from-client": "(connected)",
    "session.timeout": "(idle)",
    "session.too-slow": "(too slow)",
    "session.shutdown": "(server stopping)",
    "session.too-many-errors": "(error budget spent)",
})
"""What stands in the command column for replies the server sends unprompted."""


def format_exchange(session_id: str, peer: str, exchange: Exchange) -> str:
    """``S3 127.0.0.1:40122  -> MAIL FROM:<a@b.example>  <- 250 2.1.0 Sender <a@b.example> OK``."""
    return f"{session_id} {peer}  -> {_client_side(exchange)}  <- {_server_side(exchange)}"


def _client_side(exchange: Exchange) -> str:
    if isinstance(exchange.command, EndOfData):
        return f". (end of message text, {exchange.command.size} octets)"
    if not exchange.line:
        return WITHOUT_LINE.get(exchange.reply.key, "(nothing)")
    # No credential on this screen: the engine marked the lines that hold one.
    return show_bytes(shown_line(exchange.line, secret=exchange.secret), limit=MAX_SHOWN)


HUNG_UP: Final = "(nothing: the server closed the connection without a reply)"
WAITED: Final = "(after {seconds:g} s) "
"""How the log shows a scenario's silent disconnect and delay."""


def _server_side(exchange: Exchange) -> str:
    if exchange.hang_up:
        return HUNG_UP
    if exchange.delay:
        return WAITED.format(seconds=exchange.delay) + _reply_side(exchange)
    return _reply_side(exchange)


def _reply_side(exchange: Exchange) -> str:
    reply = shown_reply(exchange.reply)  # the one rule of what a shared screen may show
    more = len(reply.lines) - 1
    return f"{reply.wire_lines()[0]} (+{more} lines)" if more else reply.last_wire_line()
