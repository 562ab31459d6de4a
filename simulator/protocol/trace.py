"""The Received: trace line this server puts on top of each accepted message (RFC 5321 §4.4).

The time comes from a clock the driver hands in, so the engine stays deterministic.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from email.utils import format_datetime
from typing import Final

from .escape import quote
from .events import Envelope

EPOCH: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
Clock = Callable[[], datetime.datetime]


def fixed_clock() -> datetime.datetime:
    """The clock of a session that was given none: always the epoch."""
    return EPOCH


@functools.lru_cache(maxsize=4)
def _date_header(moment: datetime.datetime) -> str:
    """RFC 5322 date-time, cached: many messages arrive within the same second."""
    return format_datetime(moment)


def received_header(host: str, queue_id: str, envelope: Envelope, *, esmtp: bool, tls: bool,
                    authenticated: bool, clock: Clock) -> bytes:
    """The trace line; the protocol name says ESMTP, with S for TLS and A for AUTH
    (RFC 3848: ESMTPS, ESMTPA, ESMTPSA)."""
    if envelope.smtputf8:
        protocol = "UTF8SMTP"
    elif esmtp:
        protocol = "ESMTP" + ("S" if tls else "") + ("A" if authenticated else "")
    else:
        protocol = "SMTP"
    recipient = f"\r\n\tfor <{envelope.recipients[0]}>" if len(envelope.recipients) == 1 else ""
    stamp = _date_header(clock().replace(microsecond=0))
    text = (f"Received: from {envelope.helo} ({quote(envelope.peer)})\r\n"
            f"\tby {host} (smtp-sim) with {protocol} id {queue_id}"
            f"{recipient}; {stamp}\r\n")
    return text.encode("utf-8")
