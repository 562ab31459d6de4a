"""The trace line a server adds on top of every message it accepts (RFC 5321 §4.4)."""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING, Final

from .escape import quote
from .events import Envelope

if TYPE_CHECKING:
    from .policy import Policy

EPOCH: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
IMPLICIT_COMMENT: Final = "smtp-sim, implicit TLS"
"""The Received: comment of a message that came over an implicit-TLS port (port 465)."""
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")


def fixed_clock() -> datetime.datetime:
    """The clock of a session that was given none: always the epoch."""
    return EPOCH


@functools.lru_cache(maxsize=4)
def date_header(moment: datetime.datetime) -> str:
    """RFC 5322 §3.3 date-time (``Thu, 01 Jan 1970 00:00:00 +0000``; ``-0000`` when the zone
    is unknown), cached: many messages arrive within the same second. Written here rather
    than taken from email.utils, whose import was a tenth of the server's own startup."""
    offset = moment.utcoffset()
    zone = "-0000"
    if offset is not None:
        minutes = int(abs(offset.total_seconds())) // 60
        sign = "-" if offset < datetime.timedelta(0) else "+"
        zone = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    return (f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
            f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {zone}")


def received_header(queue_id: str, envelope: Envelope, *, esmtp: bool, policy: Policy,
                    moment: datetime.datetime, tls: bool = False,
                    authenticated: bool = False) -> bytes:
    """``Received: from HELO (peer) by HOST (smtp-sim) with ESMTP id ID; date``; the
    protocol name adds S for TLS and A for AUTH (RFC 3848: ESMTPS, ESMTPA, ESMTPSA). On an
    implicit-TLS port the comment after HOST says so (``(smtp-sim, implicit TLS)``): RFC 3848
    names no protocol for it, and a comment is free text (RFC 5321 §4.4, RFC 5322 §3.2.2)."""
    if envelope.smtputf8:
        protocol = "UTF8SMTP"
    elif esmtp:
        protocol = "ESMTP" + ("S" if tls else "") + ("A" if authenticated else "")
    else:
        protocol = "SMTP"
    recipient = f"\r\n\tfor <{envelope.recipients[0]}>" if len(envelope.recipients) == 1 else ""
    stamp = date_header(moment.replace(microsecond=0))
    text = (f"Received: from {envelope.helo} ({quote(envelope.peer)})\r\n"
            f"\tby {policy.hostname} ({IMPLICIT_COMMENT if policy.implicit_tls else 'smtp-sim'})"
            f" with {protocol} id {queue_id}"
            f"{recipient}; {stamp}\r\n")
    return text.encode("utf-8")
