"""What the engine hands to its drivers: Exchanges, and the messages it accepted."""

from __future__ import annotations

from dataclasses import dataclass

from .commands import Command
from .replies import Reply
from .rules import Rule
from .state import State


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


@dataclass(frozen=True, slots=True)
class Exchange:
    """One step of a conversation: what the client sent and what the server answered.

    ``line`` is the raw line as received (empty for the greeting, a timeout or a shutdown;
    cut to 512 octets when over-long). ``command`` is None when the line could not be parsed.
    ``delay`` is how many seconds the driver waits before sending the reply, and ``hang_up``
    tells it to close without sending it at all (a scenario's silent disconnect; ``closes``
    is then true too). ``rule`` is the scenario rule that decided, if one did.
    """

    line: bytes
    command: Command | None
    reply: Reply
    state_before: State
    state_after: State
    closes: bool
    message: ReceivedMessage | None = None
    delay: float = 0.0
    hang_up: bool = False
    rule: Rule | None = None
