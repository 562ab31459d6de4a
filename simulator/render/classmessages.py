"""The messages of a class: each one accepted at the dot, refused at the dot, or lost when
the session ended inside DATA (for ``serve --log``'s "message" records).

A refused or lost message never reached the store, so its envelope is what the session's
accepted MAIL and RCPT commands said; an accepted one carries its own. Pure and bounded:
only open sessions are followed, each with at most RECIPIENT_LIMIT recipients noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, NamedTuple

from simulator.protocol import Exchange, State
from simulator.protocol.commands import EndOfData, MailFrom, RcptTo
from simulator.protocol.escape import show_bytes, show_text
from simulator.protocol.events import Then

RECIPIENT_LIMIT: Final = 100
SUBJECT_LIMIT: Final = 200
HEADER_LIMIT: Final = 64 * 1024
"""Octets of a message read for its Subject: field."""
FOLLOWED: Final = 4000
"""Sessions followed at most: one whose end never came (the feed was full) is let go."""


class MessageNote(NamedTuple):
    """One message's fate (``reason``: the reply key that refused it, None when the client
    hung up inside DATA or the message was accepted)."""

    session_id: str
    status: str
    """``accepted`` or ``discarded``."""
    sender: str
    recipients: tuple[str, ...]
    subject: str | None
    size: int | None
    reason: str | None
    queue_id: str | None


@dataclass(slots=True)
class _Envelope:
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)


class ClassMessages:
    """Follows each open session's envelope; :meth:`observe` says when a message's fate is
    known."""

    def __init__(self) -> None:
        self._envelopes: dict[str, _Envelope] = {}

    def observe(self, session_id: str, exchange: Exchange) -> MessageNote | None:
        envelope = self._envelopes.get(session_id)
        if envelope is None:
            envelope = self._envelopes[session_id] = _Envelope()
            if len(self._envelopes) > FOLLOWED:
                del self._envelopes[next(iter(self._envelopes))]
        command, code = exchange.command, exchange.reply.code
        if isinstance(command, MailFrom) and code == 250:
            envelope.sender, envelope.recipients = command.path, []
        elif (isinstance(command, RcptTo) and code == 250
              and len(envelope.recipients) < RECIPIENT_LIMIT):
            envelope.recipients.append(command.path)
        message = exchange.message
        if message is not None and code == 250:
            self._envelopes[session_id] = _Envelope()
            return MessageNote(session_id, "accepted", show_text(message.envelope.sender),
                               tuple(show_text(r) for r in message.envelope.recipients),
                               _subject(message.content), len(message.content), None,
                               message.queue_id)
        lost = (isinstance(command, EndOfData) or (exchange.state_before is State.DATA
                                                    and exchange.then is Then.CLOSE))
        if lost and envelope.sender is not None:
            size = command.size if isinstance(command, EndOfData) else None
            return self._discarded(session_id, size, exchange.reply.key)
        if exchange.state_after in (State.GREETED, State.CONNECTED, State.CLOSED):
            self._envelopes[session_id] = _Envelope()  # RSET, EHLO...: no transaction
        return None

    def ended(self, session_id: str, inside_data: bool) -> MessageNote | None:
        """The session is over; the message being sent when the client hung up inside
        DATA, if there was one."""
        envelope = self._envelopes.get(session_id)
        note = None
        if inside_data and envelope is not None and envelope.sender is not None:
            note = self._discarded(session_id, None, None)
        self._envelopes.pop(session_id, None)
        return note

    def _discarded(self, session_id: str, size: int | None, reason: str | None) -> MessageNote:
        envelope = self._envelopes.pop(session_id)
        return MessageNote(session_id, "discarded", show_text(envelope.sender or ""),
                           tuple(show_text(r) for r in envelope.recipients), None, size,
                           reason, None)


def _subject(content: bytes) -> str | None:
    """The first Subject: field of the message's header section (unfolded), escaped."""
    header = content[:HEADER_LIMIT].split(b"\r\n\r\n", 1)[0]
    lines = header.split(b"\r\n")
    for i, line in enumerate(lines):
        if line[:8].lower() == b"subject:":
            value = line[8:]
            for more in lines[i + 1:]:
                if more[:1] not in (b" ", b"\t"):
                    break
                value += b" " + more.strip()
            return show_bytes(value.strip(), limit=SUBJECT_LIMIT)
    return None
