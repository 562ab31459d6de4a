"""What a batch of Exchanges puts on the wire: their replies' bytes, in writes split by the
delays a scenario asks for, and the Exchange whose instruction ends the batch."""

from __future__ import annotations

from simulator.protocol import Exchange, Then
from simulator.server.feeds import Publish

Segments = list[tuple[float, bytes]]
"""Replies to write: (seconds to wait first, bytes), in order."""


def replies_of(exchanges: list[Exchange], publish: Publish) -> tuple[Segments, Exchange | None]:
    """Publish ``exchanges``; their reply bytes, and the Exchange that carries an
    instruction for the driver (close, start TLS), which ends the batch.

    Replies to pipelined commands (RFC 2920) go out together, in order, in one write; every
    Exchange is published before any of their bytes is written (the console relies on it).
    A reply a scenario delays starts a new write, after its delay (the first element of each
    segment); a silent disconnect (``hang_up``) sends nothing and closes.
    """
    if len(exchanges) == 1:  # the common case: one command per chunk
        [exchange] = exchanges
        publish(exchange)
        wire = b"" if exchange.hang_up else exchange.reply.to_bytes()
        return [(exchange.delay, wire)], (None if exchange.then is Then.CONTINUE
                                          else exchange)
    segments: Segments = [(0.0, b"")]
    for exchange in exchanges:
        publish(exchange)
        if exchange.delay:
            segments.append((exchange.delay, b""))
        if not exchange.hang_up:
            delay, wire = segments[-1]
            segments[-1] = (delay, wire + exchange.reply.to_bytes())
        if exchange.then is not Then.CONTINUE:
            return segments, exchange
    return segments, None
