"""What the engine hands to its drivers: Exchanges, and the messages it accepted."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple

from .commands import Command
from .replies import Reply
from .rules import Rule
from .state import State, Verb
from .verdicts import Verdicts


@dataclass(frozen=True, slots=True)
class Envelope:
    """RFC 5321 §2.3.1: who the message is from and to, as the client said it."""

    sender: str
    recipients: tuple[str, ...]
    helo: str
    peer: str
    smtputf8: bool = False
    body: str | None = None


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """An accepted message: its envelope and its content (Received: header prepended)."""

    queue_id: str
    envelope: Envelope
    content: bytes
    verdicts: Verdicts | None = None
    """SPF, DKIM and DMARC's verdicts, for a scenario with a zone (also in the content's
    Authentication-Results field)."""
    bare_lf: bool = False
    """Some text line ended with a bare LF, which a server that accepts bare LFs read as
    CRLF (Postfix's smtpd_forbid_bare_newline = normalize): kept as text, never an end of
    the message (RFC 5321 §4.1.1.4 ends it only at <CRLF>.<CRLF>)."""

    @property
    def undeclared_8bit(self) -> bool:
        """8-bit octets the client did not declare, in the header or the body (see below).
        A lenient server (this one too) accepts them; a strict relay may not."""
        return self.undeclared_8bit_header or self.undeclared_8bit_body

    @property
    def undeclared_8bit_header(self) -> bool:
        """Raw UTF-8 in the client's header fields without ``SMTPUTF8``: only SMTPUTF8
        allows it (RFC 6532 §3, RFC 6531); otherwise a header is ASCII, with RFC 2047
        encoded-words for other text. ``BODY=8BITMIME`` does not cover a header."""
        return not self.envelope.smtputf8 and not self._client_parts()[0].isascii()

    @property
    def undeclared_8bit_body(self) -> bool:
        """8-bit octets in the body without ``BODY=8BITMIME`` (RFC 6152 §3)."""
        return self.envelope.body != "8BITMIME" and not self._client_parts()[1].isascii()

    def _client_parts(self) -> tuple[bytes, bytes]:
        """The client's header section and body: the Received: field this server put on top
        (RFC 5321 §4.4) is skipped; the body follows the first empty line (RFC 5322 §2.1)."""
        head, _, body = self.content.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        first = 1
        while first < len(lines) and lines[first][:1] in (b" ", b"\t"):
            first += 1  # the Received: field's folded lines
        return b"\r\n".join(lines[first:]), body


class Then(enum.Enum):
    """What the driver does after sending an Exchange's reply."""

    CONTINUE = "continue"
    """Read the next bytes from the client."""
    CLOSE = "close"
    """Close the connection (after 221 or 421)."""
    START_TLS = "start-tls"
    """RFC 3207: begin the TLS handshake as the server, then call ``Session.tls_started``."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One step of a conversation: what the client sent and what the server answered.

    ``line`` is the raw line as received (empty for the greeting, a timeout or a shutdown;
    cut to 512 octets when over-long). ``command`` is None when the line could not be parsed.
    ``then`` tells the driver what to do once the reply is sent (go on, close, start TLS).
    ``delay`` is how many seconds the driver waits before sending the reply, and ``hang_up``
    tells it to close without sending it at all (a scenario's silent disconnect; ``then``
    is then CLOSE too). ``rule`` is the scenario rule that decided, if one did.
    ``secret`` says the line holds a credential (an AUTH line, a 334 answer, a line pasted
    after an AUTH): a screen other than the learner's own masks it (see credentials.py).
    ``sent_ahead`` is the driver's, never the engine's: the client had already sent more
    (or hung up) when this reply was written, so it did not wait for it (only a driver told
    to watch for that sets it: ``smtp-sim grade``).
    ``verb`` is the command's verb as soon as the engine recognised it, even when the rest
    of the line was refused (``MAIL`` for a 501 to ``MAIL FROM:bob``); ``END_OF_DATA`` for the
    final dot; None for a line without a known verb, a 334 answer, or no line at all.
    ``stored`` is the driver's too: where the store put ``message`` (a Maildir file's path,
    ``memory #N``), set on the Exchange that carries its 250; None for every other Exchange.
    """

    line: bytes
    command: Command | None
    reply: Reply
    state_before: State
    state_after: State
    then: Then = Then.CONTINUE
    message: ReceivedMessage | None = None
    delay: float = 0.0
    hang_up: bool = False
    rule: Rule | None = None
    secret: bool = False
    sent_ahead: bool = False
    verb: Verb | None = None
    stored: str | None = None


class SessionEnd(NamedTuple):
    """A TCP session is over, published by the driver behind its last Exchange: which one,
    and the engine's state when it ended (DATA: the client left in the middle of a message)."""

    session_id: str
    peer: str
    state: State
