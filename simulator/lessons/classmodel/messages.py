"""The class's messages: every message accepted, and every one discarded (refused at the
final dot, lost when the server closed inside DATA, or lost when the client hung up there).

One tracker for every view: the dashboard's messages pane and ``--web`` list
:attr:`ClassMessages.messages`; ``serve --log`` writes a "message" record for each
:attr:`ClassMessages.finished`. The envelope of a message in progress is taken from the
replies the engine gave to MAIL and RCPT (RFC 5321 §3.3: the transaction is MAIL, then RCPT
per recipient, then DATA), so a message refused at the dot or cut off is still listed with
its sender and recipients; an accepted one carries its own, and the Exchange of its 250 says
where the store put it (``Exchange.stored``). Pure and bounded: at most MESSAGE_LIMIT
messages and MESSAGE_OCTETS octets of content are held, the oldest dropped first (and
counted, so the screen can say so), and at most FOLLOWED sessions' envelopes are followed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Final

from simulator.protocol import Exchange, State
from simulator.protocol.commands import EndOfData, MailFrom, RcptTo
from simulator.protocol.events import Then

MESSAGE_LIMIT: Final = 500
"""Messages held for the messages pane; older ones are dropped (and counted)."""
MESSAGE_OCTETS: Final = 16 * 1024 * 1024
"""Octets of message content held across the pane's messages."""
KEPT_MESSAGE: Final = 256 * 1024
"""Octets of one message's content kept for opening it (the rest is cut, and said so)."""
PENDING_RECIPIENTS: Final = 100
"""Recipients remembered per message in progress (RFC 5321 §4.5.3.1.8's minimum buffer)."""
FOLLOWED: Final = 4000
"""Sessions whose envelope is followed at most: one whose end never came (the feed was
full) is let go, oldest first."""
HUNG_UP: Final = "hung-up"
"""The reason of a message lost because the client hung up inside DATA (not a reply key:
no reply was sent)."""
_NO_TRANSACTION: Final = (State.GREETED, State.CLOSED, State.CONNECTED)


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message the class sent: accepted (``reason`` None) or discarded (why)."""

    number: int
    session_id: str
    who: str
    """The student's name, else the HELO name, else the client's address."""
    sender: str
    recipients: tuple[str, ...]
    subject: str | None
    """The Subject field (client text: a view escapes it); None without one, or when the
    message never reached the server whole."""
    size: int | None
    """Octets of message text the client sent (None when a hang-up left it unknown)."""
    clock: str
    """The wall-clock time it ended (HH:MM:SS), or "" when the feeder gave none."""
    reason: str | None = None
    """None: accepted; else the reply key that refused it, or HUNG_UP."""
    stored: str | None = None
    """Where the store put it (a Maildir file, ``memory #N``), from the Exchange of its 250."""
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


class ClassMessages:
    """The class's messages, fed each Exchange and each session's end."""

    def __init__(self) -> None:
        self.messages: deque[MessageRecord] = deque()
        self.octets = 0
        self.dropped = 0
        """Older messages no longer held (the limits above)."""
        self.numbered = 0
        self.finished: MessageRecord | None = None
        """The message the last :meth:`observe` or :meth:`ended` finished (None: it finished
        none): what ``serve --log`` writes, even once the list no longer holds it."""
        self._pending: dict[str, _Pending] = {}

    def observe(self, session_id: str, who: str, exchange: Exchange,
                clock: str) -> MessageRecord | None:
        """Note the envelope as MAIL and RCPT are accepted; the message, once its fate is
        known (at the dot, or when the server closes inside DATA)."""
        self.finished = None
        reply, command = exchange.reply, exchange.command
        if isinstance(command, MailFrom) and reply.code == 250:
            self._pending.pop(session_id, None)  # a new transaction
            self._follow(session_id).sender = command.path
        elif isinstance(command, RcptTo) and reply.code == 250:
            pending = self._follow(session_id)
            if len(pending.recipients) < PENDING_RECIPIENTS:
                pending.recipients.append(command.path)
        elif isinstance(command, EndOfData) or exchange.message is not None:
            return self._ended(session_id, who, exchange, clock)
        elif exchange.state_before is State.DATA and exchange.then is Then.CLOSE:
            return self._lost(session_id, who, clock, reply.key, reply.code)  # a 421 in DATA
        elif exchange.state_after in _NO_TRANSACTION:
            self._pending.pop(session_id, None)  # RSET, HELO again, or the end
        return None

    def ended(self, session_id: str, who: str, inside_data: bool,
              clock: str) -> MessageRecord | None:
        """A session is over; the message lost when its client hung up inside DATA, if so."""
        self.finished = None
        if inside_data:
            return self._lost(session_id, who, clock, HUNG_UP, 0)
        self._pending.pop(session_id, None)
        return None

    def _follow(self, session_id: str) -> _Pending:
        """The envelope of ``session_id``'s message in progress (a MAIL starts a new one)."""
        pending = self._pending.pop(session_id, None) or _Pending()
        self._pending[session_id] = pending  # the newest last: the oldest is let go first
        if len(self._pending) > FOLLOWED:
            del self._pending[next(iter(self._pending))]
        return pending

    def _ended(self, session_id: str, who: str, exchange: Exchange,
               clock: str) -> MessageRecord:
        message, reply = exchange.message, exchange.reply
        size = exchange.command.size if isinstance(exchange.command, EndOfData) else None
        if message is None or reply.code != 250:
            pending = self._pending.pop(session_id, _Pending())
            return self._add(MessageRecord(self.numbered + 1, session_id, who, pending.sender,
                                           tuple(pending.recipients), None, size, clock,
                                           reply.key, code=reply.code))
        self._pending.pop(session_id, None)
        content = message.content[:KEPT_MESSAGE]
        return self._add(MessageRecord(
            self.numbered + 1, session_id, who, message.envelope.sender,
            message.envelope.recipients, subject_of(content), size, clock,
            stored=exchange.stored, content=content, cut=len(message.content) > KEPT_MESSAGE,
            queue_id=message.queue_id, code=reply.code))

    def _lost(self, session_id: str, who: str, clock: str, reason: str,
              code: int) -> MessageRecord:
        pending = self._pending.pop(session_id, _Pending())
        return self._add(MessageRecord(self.numbered + 1, session_id, who, pending.sender,
                                       tuple(pending.recipients), None, None, clock, reason,
                                       code=code))

    def _add(self, message: MessageRecord) -> MessageRecord:
        """Keep ``message`` (numbered ``self.numbered + 1`` by its maker: one record made, not
        made and copied), letting the oldest go past the limits."""
        self.numbered = message.number
        self.messages.append(message)
        self.octets += len(message.content)
        while len(self.messages) > MESSAGE_LIMIT or self.octets > MESSAGE_OCTETS:
            gone = self.messages.popleft()
            self.octets -= len(gone.content)
            self.dropped += 1
        self.finished = message
        return message

    @property
    def discarded(self) -> int:
        return sum(message.reason is not None for message in self.messages)


def subject_of(content: bytes) -> str | None:
    """The Subject field of a message's header section, unfolded (RFC 5322 §2.2.3), each
    folded line's white space cut to one space; None without one. Still client bytes
    (undecodable ones kept as surrogates): a view escapes them."""
    head = content.partition(b"\r\n\r\n")[0]
    found: list[bytes] = []
    for line in head.split(b"\r\n"):
        if found and line[:1] in (b" ", b"\t"):
            found.append(line.strip())
        elif found:
            break
        elif line[:8].lower() == b"subject:":
            found.append(line[8:].strip())
    if not found:
        return None
    return b" ".join(found).strip().decode("utf-8", errors="surrogateescape")
