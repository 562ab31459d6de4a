"""Bounces written by the server itself: a delivery status notification (RFC 3464) for a
recipient accepted with 250 whose delivery failed afterwards.

A real mail exchanger often accepts at RCPT what it cannot deliver later: the mail store
behind it no longer has the mailbox, or refuses the message for a reason found only after
the 250 (RFC 5321 §6.1: once it said 250 it must then report the failure to the sender,
never drop it). The scenario names such recipients (``[later]`` in a scenario file); the
report is built here, sans-IO, as Postfix's bounce(5) shapes it: a text for people, a
``message/delivery-status`` part with one block per recipient (RFC 3464 §2.2-2.3), and the
returned message's header section (``text/rfc822-headers``, RFC 6522 §3). It is sent with a
null reverse-path (RFC 5321 §4.5.5) and never for a message that itself had one, so that
two servers can never bounce bounces back and forth (RFC 3461 §6.2).

The simulator never sends mail out: the report goes into the same store as the message, so
the learner sees it arrive (``:mailbox``) and reads it with ``smtp-sim explain FILE``.
"""

from __future__ import annotations

import datetime

from .escape import quote
from .events import Envelope, ReceivedMessage
from .later import Later, LaterFailure
from .replies import Reply, make_reply
from .trace import date_header


def later_report(message: ReceivedMessage, later: Later, *, hostname: str,
                 moment: datetime.datetime) -> ReceivedMessage | None:
    """The report on ``message``'s recipients that ``later`` fails, or None (none fails,
    or the message came with a null reverse-path and must not be bounced)."""
    envelope = message.envelope
    failed = [(address, _reply(rule, address, hostname), rule.remote)
              for address in envelope.recipients
              if (rule := _rule_for(later, address)) is not None]
    if not failed or not envelope.sender:
        return None
    boundary = f"{message.queue_id}.report/{hostname}"
    date = date_header(moment.replace(microsecond=0))  # RFC 5322 §3.3, as trace.py's
    parts = [_notice(later, hostname, failed), _status(hostname, date, failed),
             _headers(message.content)]
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    header = (f"Date: {date}\r\n"
              f"From: MAILER-DAEMON@{hostname} (Mail Delivery System)\r\n"
              f"To: <{envelope.sender}>\r\n"
              f"Subject: Undelivered Mail Returned to Sender\r\n"
              f"Auto-Submitted: auto-replied\r\n"  # RFC 3834 §5
              f"Message-ID: <{message.queue_id}.report@{hostname}>\r\n"
              f"MIME-Version: 1.0\r\n"
              f"Content-Type: multipart/report; report-type=delivery-status;\r\n"
              f"\tboundary=\"{boundary}\"\r\n\r\n")
    report = Envelope("", (envelope.sender,), hostname, hostname, smtputf8=envelope.smtputf8,
                      body="8BITMIME")
    return ReceivedMessage(f"{message.queue_id}-report", report,
                           header.encode() + body.encode("utf-8"))


def _rule_for(later: Later, address: str) -> LaterFailure | None:
    return next((rule for rule in later.failures if rule.address.matches(address)), None)


def _reply(rule: LaterFailure, address: str, hostname: str) -> Reply:
    local, _, domain = address.rpartition("@")
    return make_reply(rule.reply, path=quote(address, 200), local=quote(local or address, 64),
                      domain=quote(domain, 100), host=rule.remote or hostname)


def _notice(later: Later, hostname: str, failed: list[tuple[str, Reply, str]]) -> str:
    """The part for people: the scenario's notice in each language, then each recipient
    with the reply it got, as Postfix's bounce(5) template lists them."""
    words = "\r\n\r\n".join(_crlf(text.strip().replace("{host}", hostname))
                             for _, text in later.notice)
    listed = "".join(f"<{address}>: {' '.join(reply.wire_lines())}\r\n"
                     for address, reply, _ in failed)
    return ("Content-Description: Notification\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            f"\r\n{words}\r\n\r\n{listed}")


def _status(hostname: str, date: str, failed: list[tuple[str, Reply, str]]) -> str:
    """RFC 3464 §2.2 per-message fields, then §2.3 per-recipient fields for each."""
    blocks = [f"Reporting-MTA: dns; {hostname}\r\nArrival-Date: {date}\r\n"]
    for address, reply, remote in failed:
        action = "delayed" if reply.code // 100 == 4 else "failed"  # RFC 3464 §2.3.3
        said = " ".join(reply.wire_lines())
        blocks.append(f"Final-Recipient: rfc822; {address}\r\nAction: {action}\r\n"
                      f"Status: {reply.enhanced or f'{reply.code // 100}.0.0'}\r\n"
                      + (f"Remote-MTA: dns; {remote}\r\n" if remote else "")
                      + f"Diagnostic-Code: smtp; {said}\r\n")
    return ("Content-Description: Delivery report\r\n"
            "Content-Type: message/delivery-status\r\n\r\n" + "\r\n".join(blocks))


def _headers(content: bytes) -> str:
    """The returned message's header section (RFC 6522 §3: text/rfc822-headers)."""
    head = content.partition(b"\r\n\r\n")[0]
    return ("Content-Description: Undelivered Message Headers\r\n"
            "Content-Type: text/rfc822-headers\r\n\r\n"
            + head.decode("utf-8", errors="replace") + "\r\n")


def _crlf(text: str) -> str:
    """Lines ended by CRLF, as in every message (RFC 5322 §2.1)."""
    return "\r\n".join(text.replace("\r\n", "\n").split("\n"))
