"""How the server closes a connection: the last reply, then a graceful close.

A reply followed at once by a reset can be lost in the client's kernel, so before closing
after a 421 the server reads and drops what the client still sends (:func:`linger`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import trio

from simulator.protocol import Exchange
from simulator.server.wire import Wire

RECEIVE_SIZE: Final = 16 * 1024
"""Octets read per receive: bounds what one read can add to a session's memory. The one
size for the server's streams (SocketConnection reads this much when asked for no size)."""
FAREWELL_SECONDS: Final = 1.0
"""At shutdown, how long a client gets to take its 421 before the socket is closed anyway."""
LINGER_SECONDS: Final = 2.0
"""After a closing reply, at most this long is spent draining the client's last bytes so the
close is a FIN (a reply followed by a reset can be lost in the client's kernel)..."""
QUIET_SECONDS: Final = 0.1
"""...and the draining stops as soon as the client has been silent this long."""


async def say_last(stream: Wire, exchange: Exchange, publish: Callable[[Exchange], None],
                   drain: bool) -> None:
    """Send a closing reply (421) and close gracefully, within FAREWELL_SECONDS."""
    publish(exchange)
    with trio.move_on_after(FAREWELL_SECONDS):
        await stream.send_all(exchange.reply.to_bytes())
        if drain:
            await linger(stream, FAREWELL_SECONDS)


async def linger(stream: Wire, seconds: float) -> None:
    """Half-close, then read and drop what the client still sends until it is quiet.

    Closing a TCP socket with unread input sends a reset, which can destroy the reply the
    client has not read yet; draining first makes the close an orderly FIN.
    """
    with trio.move_on_after(seconds):
        await stream.send_eof()
        while True:
            with trio.move_on_after(QUIET_SECONDS) as quiet:
                data = await stream.receive_some(RECEIVE_SIZE)
            if quiet.cancelled_caught or not data:
                return
