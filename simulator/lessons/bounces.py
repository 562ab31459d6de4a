"""Reading a bounce a learner received: which recipients failed, with which reply, and where.

Four shapes are recognised, all reduced to the same :class:`Bounce`:

- an RFC 3464 delivery status notification: ``multipart/report; report-type=delivery-status``
  (RFC 6522) whose ``message/delivery-status`` part holds one block of per-message fields
  (``Reporting-MTA``) and one block per recipient (``Final-Recipient``, ``Action``,
  ``Status``, ``Remote-MTA``, ``Diagnostic-Code: smtp; 550 5.1.1 ...``), RFC 3464 §2.2-2.3;
  Postfix's bounces are of this kind, with its bounce(5) human part first;
- a Gmail or Microsoft 365 style report whose machine part is missing or was lost when it
  was forwarded: the failed addresses from ``X-Failed-Recipients`` (Gmail, Exim) or the
  text, the reply from the sentence that quotes the remote server;
- a swaks transcript (`` -> `` sent, ``<** `` an error received): each refused RCPT TO, or
  the message refused after DATA.

Pure and bounded: the caller hands in at most :data:`LIMIT` octets; MIME nested past
:data:`MAX_PARTS` multiparts is refused before the email package recurses into it.
"""

from __future__ import annotations

import binascii
import email
import email.policy
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Final

LIMIT: Final = 4 * 1024 * 1024
"""Octets of a bounce read at most (a bounce quotes the returned message, often in full)."""
MAX_PARTS: Final = 64
"""Multipart containers a bounce may hold; a real one has two or three."""
MAX_RECIPIENTS: Final = 200
"""Failed recipients reported at most (RFC 5321 §4.5.3.1.8 asks servers to take 100)."""

_REPLY: Final = re.compile(r"\b([245][0-5][0-9])[ -]+(?:#?([245]\.[0-9]{1,3}\.[0-9]{1,3})\b)?")
_STATUS: Final = re.compile(r"\b([245]\.[0-9]{1,3}\.[0-9]{1,3})\b")
_ADDRESS: Final = re.compile(r"[^\s<>()\"',;:]+@[A-Za-z0-9.-]+[A-Za-z0-9]")
_SWAKS_SENT: Final = " -> "
_SWAKS_ERROR: Final = "<** "
_SWAKS_RECEIVED: Final = ("<-  ", "<** ")
_SWAKS_HOST: Final = re.compile(r"^=== Connected to (\S+)")
_RCPT: Final = re.compile(r"^RCPT TO:\s*<([^>]*)>", re.IGNORECASE)
_GENERATING: Final = re.compile(r"Generating server:\s*(\S+)", re.IGNORECASE)
_REMOTE_SAYS: Final = re.compile(
    r"(?:response from the remote server was:|Remote Server returned|"
    r"said:|server replied:)\s*'?([^\n']*)", re.IGNORECASE)
"""Where a human-readable report quotes the remote reply: Gmail ("The response from the
remote server was:"), Microsoft 365 ("Remote Server returned '550 5.1.10 ...'"), Postfix's
bounce(5) text ("host mx.example.net[192.0.2.7] said: 550 ...")."""


class NotABounce(ValueError):
    """The input holds no failed recipient in any shape we know; ``reason`` names the
    sentence (``bounce.too-deep``, ``bounce.not-a-bounce``, ``bounce.unreadable``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Failure:
    """One recipient the report says was not delivered (or not yet)."""

    recipient: str
    """The address, or "" when the whole message was refused (a swaks DATA refusal)."""
    action: str
    """RFC 3464 §2.3.3: ``failed`` or ``delayed`` (also ``relayed``... when a report says so)."""
    status: str
    """The enhanced status code (RFC 3463), "" when the report has none."""
    code: int | None
    """The SMTP reply code the refusing server sent, when the report quotes it."""
    diagnostic: str
    """The server's reply as quoted (``550 5.1.1 <bob@example.net>: ... unknown``)."""
    remote_mta: str
    """RFC 3464 §2.3.5: the server that gave the reply; "" when the reporting one did."""


@dataclass(frozen=True, slots=True)
class Bounce:
    """A report reduced to what a learner needs: who reported, what failed, which hops."""

    kind: str
    """``dsn``, ``postfix``, ``gmail``, ``microsoft``, ``report`` (text only) or ``swaks``."""
    reporting_mta: str
    """RFC 3464 §2.2.2: the server that wrote the report (or swaks' peer)."""
    failures: tuple[Failure, ...]
    hops: tuple[str, ...]
    """The returned message's Received chain, oldest first: ``from A by B`` per hop."""


def read_bounce(data: bytes) -> Bounce:
    """The bounce in ``data``; NotABounce when it is none (or nested beyond reason)."""
    text = data.decode("utf-8", errors="replace")
    if _looks_like_swaks(text):
        return _swaks(text)
    if len(re.findall(rb"multipart/", data, re.IGNORECASE)) > MAX_PARTS:
        raise NotABounce("too-deep")
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        parts = list(_walk(message))
        bounce = _from_dsn(message, parts) or _from_text(message, parts)
    except RecursionError:
        raise NotABounce("too-deep") from None
    except NotABounce:
        raise
    except (ValueError, LookupError, TypeError, IndexError, AttributeError):
        # The email package parses leniently but raises these on some broken parts (a NUL
        # in a charset parameter: ValueError); the file is then no bounce we can read.
        raise NotABounce("unreadable") from None
    if bounce is None or not bounce.failures:
        raise NotABounce("not-a-bounce")
    return bounce


def _walk(message: Message) -> Iterator[Message]:
    """Every part, depth first, without recursion (Message.walk recurses per level)."""
    stack = [message]
    while stack:
        part = stack.pop()
        yield part
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))


def _kind(message: Message, parts: list[Message]) -> str:
    """Which kind of server wrote this, from its documented marks."""
    sender = str(message.get("From", "")).lower()
    human = _human_text(parts)
    if "postfix" in human.lower() or any(p.get("X-Postfix-Queue-ID") for p in parts) \
            or "X-Postfix" in human:
        return "postfix"
    if "googlemail.com" in sender or "gmail.com" in sender:
        return "gmail"
    if "outlook.com" in sender or "microsoft" in human.lower() or "Remote Server returned" in human:
        return "microsoft"
    return ""


def _human_text(parts: list[Message]) -> str:
    """The first text/plain part: the report's words for people."""
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return _decode(payload, part.get_content_charset())
    return ""


def _decode(raw: bytes, charset: str | None) -> str:
    """``raw`` in the charset its part names, or UTF-8 when it names none we know."""
    try:
        return raw.decode(charset or "utf-8", errors="replace")
    except LookupError:  # charset="bogus": read it as UTF-8 rather than fail
        return raw.decode("utf-8", errors="replace")


def _field_blocks(part: Message) -> list[Message]:
    """The blocks of a message/delivery-status part (RFC 3464 §2.1). The email package
    parses each as a header block; when the part was base64 or quoted-printable encoded
    (RFC 3464 asks for 7bit, some servers encode it anyway), that parse read the encoded
    text, so the blocks are rejoined, decoded and parsed here the same way."""
    payload = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    if isinstance(payload, list) and encoding in ("7bit", "8bit", "binary"):
        return [block for block in payload if isinstance(block, Message)]
    encoded = "\n".join(block.as_string() if isinstance(block, Message) else str(block)
                        for block in (payload if isinstance(payload, list) else [payload]))
    body = _decoded(encoded, encoding)
    blocks = re.split(r"(?:\r?\n[ \t]*){2,}", body.strip())
    return [email.message_from_string(block, policy=email.policy.compat32)
            for block in blocks[:MAX_RECIPIENTS + 1]]


def _decoded(encoded: str, encoding: str) -> str:
    raw = encoded.encode("ascii", errors="replace")
    try:
        if encoding == "base64":
            raw = binascii.a2b_base64(re.sub(rb"[^A-Za-z0-9+/=]", b"", raw))
        elif encoding == "quoted-printable":
            raw = quopri.decodestring(raw)
    except binascii.Error:
        return ""
    return raw.decode("utf-8", errors="replace")


def _value(block: Message, name: str) -> str:
    """A field's value without its type prefix (``dns; mx.example.net`` -> the name)."""
    value = " ".join(str(block.get(name, "")).split())
    kind, semi, rest = value.partition(";")
    return rest.strip() if semi and kind.strip().isalnum() else value


def _from_dsn(message: Message, parts: list[Message]) -> Bounce | None:
    """RFC 3464: the per-message block, then one block per recipient."""
    report = next((p for p in parts if p.get_content_type() == "message/delivery-status"), None)
    if report is None:
        return None
    blocks = _field_blocks(report)
    if not blocks:
        return None
    per_message, recipients = blocks[0], blocks[1:]
    failures = [_failure(block) for block in recipients[:MAX_RECIPIENTS]]
    kind = _kind(message, parts) or "dsn"
    return Bounce(kind, _value(per_message, "Reporting-MTA"),
                  tuple(f for f in failures if f.action not in ("delivered", "expanded")),
                  _hops(parts))


def _failure(block: Message) -> Failure:
    diagnostic = _value(block, "Diagnostic-Code")
    code, enhanced = _reply_of(diagnostic)
    recipient = _value(block, "Final-Recipient") or _value(block, "Original-Recipient")
    return Failure(recipient.strip("<>"), _value(block, "Action").lower() or "failed",
                   _value(block, "Status") or enhanced, code, diagnostic,
                   _value(block, "Remote-MTA"))


def _reply_of(said: str) -> tuple[int | None, str]:
    """The reply code and enhanced code at the start of a quoted reply."""
    match = _REPLY.search(said)
    if match is None:
        status = _STATUS.search(said)
        return None, status.group(1) if status else ""
    return int(match.group(1)), match.group(2) or ""


def _from_text(message: Message, parts: list[Message]) -> Bounce | None:
    """A report for people only (Gmail, Microsoft 365, a forwarded bounce): the quoted reply
    and the failed addresses (``X-Failed-Recipients``, else the addresses in the text)."""
    human = _human_text(parts)
    quoted = _REMOTE_SAYS.search(human)
    said = quoted.group(1).strip() if quoted else ""
    code, enhanced = _reply_of(said) if said else (None, "")
    if code is None and not enhanced:
        return None
    listed = str(message.get("X-Failed-Recipients", ""))
    addresses = _ADDRESS.findall(listed) or _ADDRESS.findall(human[: quoted.start() if quoted
                                                                   else len(human)])
    sender = str(message.get("From", ""))
    addresses = [a for a in dict.fromkeys(addresses) if a not in sender][:MAX_RECIPIENTS]
    action = "delayed" if code is not None and code // 100 == 4 else "failed"
    failures = tuple(Failure(address, action, enhanced, code, said, "") for address in addresses)
    return Bounce(_kind(message, parts) or "report", _reporter(message, human), failures,
                  _hops(parts))


def _reporter(message: Message, human: str) -> str:
    """Who wrote a report for people: Microsoft 365's "Generating server", else the domain
    of its From address (``googlemail.com`` for Gmail's mailer-daemon)."""
    if generating := _GENERATING.search(human):
        return generating.group(1)
    addresses = _ADDRESS.findall(str(message.get("From", "")))
    return addresses[0].rpartition("@")[2] if addresses else ""


def _hops(parts: list[Message]) -> tuple[str, ...]:
    """The returned message's Received fields (in its headers part), oldest first."""
    for part in parts[1:]:
        kind, payload = part.get_content_type(), part.get_payload()
        if kind == "message/rfc822" and isinstance(payload, list) and payload \
                and isinstance(payload[0], Message):
            returned: Message = payload[0]
        elif kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            body = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else ""
            returned = email.message_from_string(body, policy=email.policy.compat32)
        else:
            continue
        hops = [_hop(str(field)) for field in returned.get_all("Received", [])[:32]]
        return tuple(hop for hop in reversed(hops) if hop)
    return ()


def _hop(received: str) -> str:
    """``from A by B`` of one Received field (RFC 5321 §4.4)."""
    words = " ".join(received.split())
    source = re.search(r"\bfrom\s+(\S+)", words)
    by = re.search(r"\bby\s+(\S+)", words)
    if by is None:
        return ""
    return f"{source.group(1).rstrip(';,') if source else '?'} -> {by.group(1).rstrip(';,')}"


def _looks_like_swaks(text: str) -> bool:
    lines = text.splitlines()[:2000]
    return any(line.startswith(_SWAKS_SENT) for line in lines) and \
        any(line.startswith(_SWAKS_RECEIVED) for line in lines)


def _swaks(text: str) -> Bounce:
    """A swaks transcript: each refused RCPT TO, and a refused MAIL or message text."""
    host, last_sent = "", ""
    said: list[str] = []
    failures: list[Failure] = []
    accepted: list[str] = []
    for line in text.splitlines()[:100_000]:
        if found := _SWAKS_HOST.match(line):
            host = found.group(1).rstrip(".")
        elif line.startswith(_SWAKS_SENT):
            last_sent, said = line[len(_SWAKS_SENT):].strip(), []
        elif line.startswith(_SWAKS_ERROR) and len(failures) < MAX_RECIPIENTS:
            reply = line[len(_SWAKS_ERROR):].strip()
            said.append(reply if not said else reply[4:])
            if reply[3:4] != "-":  # RFC 5321 §4.2.1: the last line of a reply has a space
                failures.extend(_swaks_failures(" ".join(said), last_sent, accepted))
                last_sent, said = "", []
        elif line.startswith(_SWAKS_RECEIVED[0]) and (rcpt := _RCPT.match(last_sent)) \
                and line[len(_SWAKS_RECEIVED[0]) + 3:][:1] != "-":
            accepted.append(rcpt.group(1))
            last_sent = ""
    if not failures:
        raise NotABounce("not-a-bounce")
    return Bounce("swaks", host, tuple(failures), ())


def _swaks_failures(reply: str, sent: str, accepted: list[str]) -> list[Failure]:
    """The failures one error reply means: its RCPT's address, or every accepted one when
    it answered MAIL, DATA or the message text."""
    code, enhanced = _reply_of(reply)
    if code is None:
        return []
    action = "failed"  # swaks queues nothing: a 4xx too is a refusal, to try again by hand
    if rcpt := _RCPT.match(sent):
        targets = [rcpt.group(1)]
    elif sent.upper().startswith(("MAIL", "DATA")) or sent == ".":
        targets = list(accepted) or [""]
    else:
        targets = [""]
    return [Failure(target, action, enhanced, code, reply, "") for target in targets]
