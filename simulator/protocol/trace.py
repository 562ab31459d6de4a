"""The trace line a server adds on top of every message it accepts (RFC 5321 §4.4)."""

from __future__ import annotations

import datetime
import functools
from email.utils import format_datetime

from .escape import quote
from .events import Envelope


@functools.lru_cache(maxsize=4)
def _date_header(moment: datetime.datetime) -> str:
    """RFC 5322 date-time, cached: many messages arrive within the same second."""
    return format_datetime(moment)


def received_header(queue_id: str, envelope: Envelope, *, esmtp: bool, hostname: str,
                    moment: datetime.datetime) -> bytes:
    """``Received: from HELO (peer) by HOST (smtp-sim) with ESMTP id ID; date``."""
    protocol = "UTF8SMTP" if envelope.smtputf8 else ("ESMTP" if esmtp else "SMTP")
    recipient = f"\r\n\tfor <{envelope.recipients[0]}>" if len(envelope.recipients) == 1 else ""
    stamp = _date_header(moment.replace(microsecond=0))
    text = (f"Received: from {envelope.helo} ({quote(envelope.peer)})\r\n"
            f"\tby {hostname} (smtp-sim) with {protocol} id {queue_id}"
            f"{recipient}; {stamp}\r\n")
    return text.encode("utf-8")
