"""The trace line a server adds on top of every message it accepts (RFC 5321 §4.4)."""

from __future__ import annotations

import datetime
import functools
from email.utils import format_datetime
from typing import Final

from .escape import quote
from .events import Envelope

EPOCH: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def fixed_clock() -> datetime.datetime:
    """The clock of a session that was given none: always the epoch."""
    return EPOCH


@functools.lru_cache(maxsize=4)
def _date_header(moment: datetime.datetime) -> str:
    """RFC 5322 date-time, cached: many messages arrive within the same second."""
    return format_datetime(moment)


def received_header(queue_id: str, envelope: Envelope, *, esmtp: bool, hostname: str,
                    moment: datetime.datetime, tls: bool = False,
                    authenticated: bool = False) -> bytes:
    """``Received: from HELO (peer) by HOST (smtp-sim) with ESMTP id ID; date``; the
    protocol name adds S for TLS and A for AUTH (RFC 3848: ESMTPS, ESMTPA, ESMTPSA)."""
    if envelope.smtputf8:
        protocol = "UTF8SMTP"
    elif esmtp:
        protocol = "ESMTP" + ("S" if tls else "") + ("A" if authenticated else "")
    else:
        protocol = "SMTP"
    recipient = f"\r\n\tfor <{envelope.recipients[0]}>" if len(envelope.recipients) == 1 else ""
    stamp = _date_header(moment.replace(microsecond=0))
    text = (f"Received: from {envelope.helo} ({quote(envelope.peer)})\r\n"
            f"\tby {hostname} (smtp-sim) with {protocol} id {queue_id}"
            f"{recipient}; {stamp}\r\n")
    return text.encode("utf-8")
