"""Explanations as HTML, beside the ANSI renderer: the same fragments, the same words.

``serve --web`` shows each session as the student's console shows it: the fragments of
:func:`simulator.render.transcript.step_fragments` (sent line, reply, explanation), turned
into ``<span class="...">`` with every character escaped (``html.escape``), or handed to the
page's script as ``[class, text]`` pairs that it puts into the page with ``textContent``
only. Client bytes are already shown escaped by the fragments (no control byte survives) and
credentials masked by the class model (``Exchange.secret``), so this module adds the one
escape HTML needs and nothing else. Messages are shown as Mailpit shows them: the header
fields, the body, the raw text.
"""

from __future__ import annotations

import email.parser
import email.policy
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from simulator.lessons.classmodel.model import KEPT_TEXT, SessionRecord
from simulator.protocol import Exchange, ReceivedMessage
from simulator.protocol.escape import show_bytes, show_text

from .dashboard import exchange_step
from .transcript import Fragments, step_fragments

SHOWN_FIELD: Final = 2000
"""Characters of one header field's value shown (the raw view shows all that is kept)."""
_ALLOWED: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def css_classes(style: str) -> str:
    """``class:code.5xx class:dim`` -> ``code-5xx dim``: the page's CSS classes of a
    fragment's style (only ``class:`` names; characters outside ``[a-z0-9-]`` dropped, so a
    class name can never carry markup)."""
    names = (token[6:].replace(".", "-") for token in style.split() if token.startswith("class:"))
    return " ".join("".join(c for c in name if c in _ALLOWED) for name in names)


def fragments_html(fragments: Iterable[tuple[str, str]]) -> str:
    """The fragments as spans, every character of their text escaped."""
    out: list[str] = []
    for style, text in fragments:
        classes = css_classes(style)
        escaped = html.escape(text, quote=True)
        out.append(f'<span class="{classes}">{escaped}</span>' if classes else escaped)
    return "".join(out)


def fragments_data(fragments: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The fragments as ``[class, text]`` pairs for the page's script (JSON): it makes a
    span per pair and sets its ``textContent``, never its HTML."""
    return [[css_classes(style), text] for style, text in fragments]


def exchange_fragments(exchange: Exchange, lang: str) -> Fragments:
    """One Exchange as the student's console shows it: the line sent, the reply, the
    explanation (the same function the console and the dashboard use)."""
    return step_fragments(exchange_step(exchange), lang)


def exchange_html(exchange: Exchange, lang: str) -> str:
    """One Exchange as a block of the transcript."""
    classes = "exchange error" if exchange.reply.code >= 400 else "exchange"
    return f'<div class="{classes}">{fragments_html(exchange_fragments(exchange, lang))}</div>'


def accepted(exchanges: Iterable[Exchange]) -> list[ReceivedMessage]:
    """The messages a transcript shows accepted (a 250 to the final dot), in order."""
    return [e.message for e in exchanges if e.message is not None and e.reply.code == 250]


def session_messages(record: SessionRecord) -> list[ReceivedMessage]:
    """The messages a session sent, as far as its kept transcript shows them."""
    return accepted(record.transcript)


@dataclass(frozen=True, slots=True)
class MessageView:
    """One message as the page shows it; every string already safe to show as text."""

    queue_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    fields: tuple[tuple[str, str], ...]
    body: str
    raw: str
    cut: bool
    """The message was longer than what the class model keeps of it."""


def message_view(message: ReceivedMessage) -> MessageView:
    """The header fields (RFC 2047 words decoded), the body and the raw text of a message."""
    head, _, body = message.content.partition(b"\r\n\r\n")
    fields = _fields(head + b"\r\n\r\n")
    subject = next((value for name, value in fields if name.lower() == "subject"), "")
    envelope = message.envelope
    return MessageView(
        queue_id=show_text(message.queue_id),
        sender=show_text(envelope.sender), recipients=tuple(map(show_text, envelope.recipients)),
        subject=subject, fields=fields, body=_lines(body), raw=_lines(message.content),
        cut=len(head) > KEPT_TEXT or len(body) > KEPT_TEXT)


def _fields(head: bytes) -> tuple[tuple[str, str], ...]:
    """Each header field, its value decoded as a mail reader would; a field the parser
    cannot decode is shown as it came."""
    parsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        head, headersonly=True)
    out: list[tuple[str, str]] = []
    for name, value in parsed.raw_items():
        try:
            shown = str(parsed.policy.header_fetch_parse(name, value))
        except Exception:  # any malformed field is shown as it came, never a crash
            shown = str(value)
        out.append((show_text(name, limit=200), show_text(" ".join(shown.split()),
                                                          limit=SHOWN_FIELD)))
    return tuple(out)


def _lines(raw: bytes) -> str:
    """Message text with each line escaped (no control byte), one line per line."""
    return "\n".join(show_bytes(line) for line in raw.split(b"\n"))


def message_html(view: MessageView, labels: Sequence[str]) -> str:
    """A message's header table, body and raw text; ``labels``: header, body, raw."""
    header, body, raw = (html.escape(label) for label in labels)
    rows = "".join(f"<tr><th scope=\"row\">{html.escape(name)}</th>"
                   f"<td>{html.escape(value)}</td></tr>" for name, value in view.fields)
    return (f'<section class="message"><h2>{header}</h2><table class="fields">{rows}</table>'
            f"<h2>{body}</h2><pre class=\"body\">{html.escape(view.body)}</pre>"
            f"<details><summary>{raw}</summary><pre class=\"raw\">{html.escape(view.raw)}"
            "</pre></details></section>")
