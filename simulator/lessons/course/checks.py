"""A check against one Exchange: does it hold, and if not, which condition failed first.

A check reads only what the server produced: the reply (key, code, enhanced code, lines), the
states, the command it parsed (its address and parameters), the message it accepted, and what
earlier steps saw (:class:`Seen`). The name of the first failing condition is what the tutor's
near-miss note explains.
"""

from __future__ import annotations

import email.header
import email.message
import email.parser
import email.policy
import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from simulator.protocol import Exchange, ReceivedMessage
from simulator.protocol.events import Then
from simulator.protocol.rules import STRICT, Scenario
from simulator.protocol.trace import IMPLICIT_COMMENT
from simulator.protocol.verdicts import Verdicts, dkim_summary

from .addresses import address_of, in_class, parameters_of, same_address
from .model import AddressRef, Check, MessageCheck


@dataclass(frozen=True, slots=True)
class Seen:
    """What the server read in the exchange that met a step, for later steps to refer to."""

    verb: str
    address: str | None = None
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    """What a check may compare with: the scenario in force and what met steps saw."""

    scenario: Scenario = STRICT
    seen: Mapping[str, Seen] = field(default_factory=dict)
    host: str = ""
    """The server this session talks to: the name its greeting gave (RFC 5321 §4.2), lower
    case; a lab host when ``:connect HOST`` opened the session."""
    transaction: tuple[str, ...] = ()
    """The parameters of the MAIL FROM that opened the transaction still open (none open: ())."""
    in_group: bool = False
    """The reply before this exchange found its line sent already (one write, RFC 2920)."""


EMPTY: Final = Context()


def verb_of(exchange: Exchange) -> str:
    """The verb the engine read (``.`` ends a message), even in a refused line; else the
    word it refused as no command, or for a line it never split (a bare LF, a line too
    long, an AUTH answer) the first word; upper case; empty for a greeting or a timeout."""
    if exchange.verb is not None:
        return exchange.verb.value
    unknown = exchange.reply.fact("verb")  # quoted by the engine's 500 or 502
    if unknown:
        return unknown.upper()
    words = exchange.line.split(None, 1)
    return words[0].decode("ascii", "replace").upper() if words else ""


def seen_in(exchange: Exchange) -> Seen:
    return Seen(verb_of(exchange), address_of(exchange), parameters_of(exchange))


def refers_to(check: Check) -> tuple[str, ...]:
    """The earlier steps a check names (each must be met for it to hold)."""
    refs = [check.same, check.address.step if check.address else None]
    if check.message is not None:
        refs += [ref.step for ref in (check.message.recipient, check.message.not_recipient)
                 if ref is not None]
    return tuple(ref for ref in refs if ref)


def matches(check: Check, exchange: Exchange, context: Context = EMPTY) -> bool:
    """True when ``exchange`` holds everything ``check`` asks for."""
    return first_failure(check, exchange, context) is None


def first_failure(check: Check, exchange: Exchange, context: Context = EMPTY) -> str | None:
    """The first condition of ``check`` that ``exchange`` fails (``key``, ``code``...), or None."""
    reply = exchange.reply
    tests = (
        ("key", not check.keys or reply.key in check.keys),
        ("code", check.code is None or reply.code == check.code),
        ("enhanced", check.enhanced is None or reply.enhanced == check.enhanced),
        ("host", check.host is None or context.host == check.host.lower()),
        ("verb", check.verb is None or verb_of(exchange) == check.verb),
        ("same", check.same is None or _same(check.same, exchange, context)),
        ("address", check.address is None
         or _address_is(check.address, address_of(exchange), context)),
        ("parameter", check.parameter is None or check.parameter in parameters_of(exchange)),
        ("without", check.without is None
         or check.without not in (*parameters_of(exchange), *context.transaction)),
        ("state", check.state_before is None or exchange.state_before is check.state_before),
        ("state", check.state_after is None or exchange.state_after is check.state_after),
        ("lines", check.min_lines is None or len(reply.lines) >= check.min_lines),
        ("closes", check.closes is None or (exchange.then is Then.CLOSE) is check.closes),
        ("pipelined", check.pipelined is not True or exchange.sent_ahead),
        # RFC 2920 §3.1: DATA (like EHLO, QUIT, NOOP...) ends a group; what follows waits
        ("waited", check.pipelined is not False or not exchange.sent_ahead),
        ("group", check.in_group is not True or context.in_group),
        ("alone", check.in_group is not False or not context.in_group),
        ("message", check.message is None or (
            exchange.message is not None
            and message_matches(check.message, exchange.message, context))),
    )
    return next((name for name, holds in tests if not holds), None)


def _same(step: str, exchange: Exchange, context: Context) -> bool:
    seen = context.seen.get(step)
    if seen is None:
        return False
    now = seen_in(exchange)
    return now.verb == seen.verb and set(now.parameters) == set(seen.parameters)


def _address_is(ref: AddressRef, address: str | None, context: Context) -> bool:
    if address is None:
        return False
    if ref.literal is not None:
        return same_address(address, ref.literal)
    if ref.kind is not None:
        return in_class(ref.kind, address, context.scenario)
    seen = context.seen.get(ref.step or "")
    return seen is not None and seen.address is not None and same_address(address, seen.address)


def _split_message(content: bytes) -> tuple[bytes, bytes | None]:
    """The header section and the body (None when there is no empty line)."""
    head, separator, body = content.partition(b"\r\n\r\n")
    return (head, body) if separator else (content, None)


def _body_lines(body: bytes) -> list[str]:
    return body.decode("utf-8", "replace").split("\r\n")


def message_matches(check: MessageCheck, message: ReceivedMessage,
                    context: Context = EMPTY) -> bool:
    """True when the accepted ``message`` holds everything ``check`` asks for."""
    envelope = message.envelope
    head, body = _split_message(message.content)
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    recipients = envelope.recipients
    tests = (
        check.header is None or headers.get(check.header) is not None,
        not check.body or (body is not None and body.strip() != b""),
        check.body_line_starts is None or (
            body is not None and any(line.startswith(check.body_line_starts)
                                     for line in _body_lines(body))),
        check.body_contains is None or (
            body is not None and check.body_contains in body.decode("utf-8", "replace")),
        not check.utf8 or not message.content.isascii(),
        check.recipients is None or len(recipients) == check.recipients,
        check.recipient is None or any(
            _address_is(check.recipient, address, context) for address in recipients),
        check.not_recipient is None or not any(
            _address_is(check.not_recipient, address, context) for address in recipients),
        check.sender_domain is None
        or envelope.sender.lower().endswith("@" + check.sender_domain.lower()),
        check.body_type is None or (envelope.body or "").upper() == check.body_type.upper(),
        not check.smtputf8 or envelope.smtputf8,
        not check.declared_8bit or envelope.smtputf8 or envelope.body == "8BITMIME",
        not check.tls or _came_over_tls(headers.get("Received")),
        not check.starttls or (_came_over_tls(headers.get("Received"))
                               and not _implicit(headers.get("Received"))),
        not check.implicit_tls or _implicit(headers.get("Received")),
        not check.authenticated or _came_authenticated(headers.get("Received")),
        not check.best_mx or _by_best_mx(headers.get("Received"), recipients, context),
        check.header_text is None or _header_text(check.header_text, head, envelope.smtputf8),
        not check.bcc or bool(set(map(str.lower, recipients)) - _named(headers)),
        not check.named_not_sent or bool(_named(headers) - set(map(str.lower, recipients))),
        not check.returnable or envelope.sender != "",
        _verdicts_hold(check, message.verdicts),
        check.bare_lf is None or message.bare_lf is check.bare_lf,
    )
    return all(tests)


_AUTH_PROTOCOL: Final = re.compile(r"\bwith\s+(?:ESMTPS?A|UTF8SMTPS?A)\b")


def _came_authenticated(received: str | None) -> bool:
    """The server's own trace line names an authenticated protocol (RFC 3848: ESMTPA...)."""
    return received is not None and _AUTH_PROTOCOL.search(received) is not None


_BY_HOST: Final = re.compile(r"\bby\s+(\S+)")


def _implicit(received: str | None) -> bool:
    """The server's own trace line says the session was implicit TLS (port 465)."""
    return received is not None and f"({IMPLICIT_COMMENT})" in received


def _by_best_mx(received: str | None, recipients: tuple[str, ...], context: Context) -> bool:
    """The host that wrote the first Received: line is a lowest-preference MX of every
    recipient's domain in the scenario's zone (RFC 5321 §5.1)."""
    found = None if received is None else _BY_HOST.search(received)
    if found is None or not recipients:
        return False
    zone = context.scenario.zone
    host = found.group(1).lower()
    return all(host in zone.best_mx(address.rpartition("@")[2]) for address in recipients)

_ENCODED_WORD: Final = re.compile(rb"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")
"""RFC 2047 §2: ``=?charset?encoding?encoded-text?=``."""


def _decodes_beyond_ascii(word: bytes) -> bool:
    try:
        parts = email.header.decode_header(word.decode("ascii"))
        text = "".join(part.decode(charset or "ascii") if isinstance(part, bytes) else part
                       for part, charset in parts)
    except (LookupError, UnicodeDecodeError, ValueError):
        return False
    return not text.isascii()


def _header_text(kind: str, head: bytes, smtputf8: bool) -> bool:
    """The header carries non-ASCII text raw without SMTPUTF8 (RFC 6532 §3 asks for it),
    or in ASCII as an RFC 2047 encoded-word that decodes to non-ASCII text."""
    if kind == "8bit-undeclared":
        return not head.isascii() and not smtputf8
    return head.isascii() and any(_decodes_beyond_ascii(word.group())
                                  for word in _ENCODED_WORD.finditer(head))
def _named(headers: email.message.Message) -> set[str]:
    """The addresses the To: and Cc: fields name, lower-cased (RFC 5322 §3.6.3)."""
    fields = [*(headers.get_all("To") or ()), *(headers.get_all("Cc") or ())]
    return {address.lower() for _, address in email.utils.getaddresses(fields) if address}


def _verdicts_hold(check: MessageCheck, verdicts: Verdicts | None) -> bool:
    """The receiver's SPF, DKIM and DMARC verdicts, as its Authentication-Results says."""
    if check.spf is None and check.dkim is None and check.dmarc is None:
        return True
    if verdicts is None:
        return False
    spf = verdicts.spf.result if verdicts.spf else "none"
    dmarc = verdicts.dmarc.result if verdicts.dmarc else "none"
    return all((check.spf in (None, spf), check.dkim in (None, dkim_summary(verdicts.dkim)),
                check.dmarc in (None, dmarc)))


_TLS_PROTOCOL: Final = re.compile(r"\bwith\s+(?:ESMTPSA?|UTF8SMTPSA?)\b")


def _came_over_tls(received: str | None) -> bool:
    """The server's own trace line (the first Received:) names a TLS protocol (RFC 3848)."""
    return received is not None and _TLS_PROTOCOL.search(received) is not None
