"""The class's messages as the instructor lists them: every message accepted, and every one
discarded (refused at the final dot, or lost when the client hung up inside DATA).

The envelope of a message in progress is taken from the replies the engine gave to MAIL and
RCPT (RFC 5321 §3.3: the transaction is MAIL, then RCPT per recipient, then DATA), so a
message refused at the dot or cut off by a hang-up is still listed with its sender and
recipients. Bounded: at most MESSAGE_LIMIT messages and MESSAGE_OCTETS octets of content
are held, the oldest dropped first (and counted, so the screen can say so).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Final

from simulator.protocol import Exchange, State
from simulator.protocol.commands import EndOfData, MailFrom, RcptTo

MESSAGE_LIMIT: Final = 500
"""Messages held for the messages pane; older ones are dropped (and counted)."""
MESSAGE_OCTETS: Final = 16 * 1024 * 1024
"""Octets of message content held across the pane's messages."""
KEPT_MESSAGE: Final = 256 * 1024
"""Octets of one message's content kept for opening it (the rest is cut, and said so)."""
PENDING_RECIPIENTS: Final = 100
"""Recipients remembered per message in progress (RFC 5321 §4.5.3.1.8's minimum buffer)."""
HUNG_UP: Final = "hung-up"
"""The reason of a message lost because the client hung up inside DATA (not a reply key:
no reply was sent)."""
_ACCEPTED_MAIL: Final = ("mail.accepted", "mail.accepted-utf8")
_ACCEPTED_RCPT: Final = ("rcpt.accepted", "rcpt.accepted-utf8")


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message the class sent: accepted (``reason`` None) or discarded (why)."""

    number: int
    session_id: str
    who: str
    """The student's name, else the HELO name, else the client's address."""
    sender: str
    recipients: tuple[str, ...]
    subject: str
    size: int | None
    """Octets of message text the client sent (None when the hang-up left it unknown)."""
    clock: str
    """The wall-clock time it ended (HH:MM:SS), or "" when the feeder gave none."""
    reason: str | None = None
    """None: accepted; else the reply key that refused it, or HUNG_UP."""
    stored: str | None = None
    """Where the store put it (a Maildir file), once the store said so."""
    content: bytes = b""
    cut: bool = False
    """``content`` is only the first KEPT_MESSAGE octets."""
    queue_id: str = ""
    code: int = 0
    """The code of the reply that refused it (0 when none was sent)."""


@dataclass(slots=True)
class _Pending:
    sender: str = ""
    recipients: list[str] = field(default_factory=list)


class MessageLog:
    """The messages pane's list, fed each Exchange and each hang-up inside DATA."""

    def __init__(self) -> None:
        self.messages: deque[MessageRecord] = deque()
        self.octets = 0
        self.dropped = 0
        """Older messages no longer held (the limits above)."""
        self.numbered = 0
        self._pending: dict[str, _Pending] = {}

    def observe(self, session_id: str, who: str, exchange: Exchange, clock: str) -> None:
        """Note the envelope as MAIL and RCPT are accepted; list the message at the dot."""
        reply, command = exchange.reply, exchange.command
        if reply.key in _ACCEPTED_MAIL and isinstance(command, MailFrom):
            self._pending[session_id] = _Pending(command.path)
        elif reply.key in _ACCEPTED_RCPT and isinstance(command, RcptTo):
            pending = self._pending.setdefault(session_id, _Pending())
            if len(pending.recipients) < PENDING_RECIPIENTS:
                pending.recipients.append(command.path)
        elif isinstance(command, EndOfData) or exchange.message is not None:
            self._ended(session_id, who, exchange, clock)
        elif exchange.state_after in (State.GREETED, State.CLOSED, State.CONNECTED):
            self._pending.pop(session_id, None)  # RSET, HELO again, or the end

    def _ended(self, session_id: str, who: str, exchange: Exchange, clock: str) -> None:
        pending = self._pending.pop(session_id, _Pending())
        message, reply = exchange.message, exchange.reply
        size = exchange.command.size if isinstance(exchange.command, EndOfData) else None
        reason = None if reply.code == 250 and message is not None else reply.key
        if message is None:
            self._add(MessageRecord(0, session_id, who, pending.sender,
                                    tuple(pending.recipients), "", size, clock, reason,
                                    code=reply.code))
            return
        content = message.content[:KEPT_MESSAGE]
        self._add(MessageRecord(
            0, session_id, who, message.envelope.sender, message.envelope.recipients,
            subject_of(content), size, clock, reason, content=content,
            cut=len(message.content) > KEPT_MESSAGE, queue_id=message.queue_id,
            code=reply.code))

    def hung_up(self, session_id: str, who: str, clock: str) -> None:
        """The client hung up inside DATA: the message it was sending is lost."""
        pending = self._pending.pop(session_id, _Pending())
        self._add(MessageRecord(0, session_id, who, pending.sender, tuple(pending.recipients),
                                "", None, clock, HUNG_UP))

    def forget(self, session_id: str) -> None:
        """A session is over: no message of it is in progress any more."""
        self._pending.pop(session_id, None)

    def stored(self, queue_id: str, where: str) -> None:
        """The store said where it put message ``queue_id``."""
        for index in range(len(self.messages) - 1, -1, -1):
            found = self.messages[index]
            if found.queue_id == queue_id:
                self.messages[index] = _with_stored(found, where)
                return

    def _add(self, message: MessageRecord) -> None:
        self.numbered += 1
        message = _numbered(message, self.numbered)
        self.messages.append(message)
        self.octets += len(message.content)
        while len(self.messages) > MESSAGE_LIMIT or self.octets > MESSAGE_OCTETS:
            gone = self.messages.popleft()
            self.octets -= len(gone.content)
            self.dropped += 1

    @property
    def discarded(self) -> int:
        return sum(message.reason is not None for message in self.messages)


def subject_of(content: bytes) -> str:
    """The Subject field of a message's header section, unfolded (RFC 5322 §2.2.3, §3.6.5);
    "" without one. Still client bytes: the screen escapes them."""
    head = content.partition(b"\r\n\r\n")[0]
    found: list[bytes] = []
    for line in head.split(b"\r\n"):
        if found and line[:1] in (b" ", b"\t"):
            found.append(line)
        elif found:
            break
        elif line[:8].lower() == b"subject:":
            found.append(line[8:])
    return b"".join(found).strip().decode("utf-8", errors="surrogateescape")


def _numbered(message: MessageRecord, number: int) -> MessageRecord:
    from dataclasses import replace

    return replace(message, number=number)


def _with_stored(message: MessageRecord, where: str) -> MessageRecord:
    from dataclasses import replace

    return replace(message, stored=where)
