"""Session states and the one transition table that holds every sequencing rule.

A legal move is a key in :data:`TRANSITIONS`; an illegal move is a key in
:data:`SEQUENCE_ERRORS`, which names the reply that explains it (RFC 5321 §4.1.4, §3.3).
The console draws its state diagram from these tables. What moves a session without a
command of the client's (a 421, the end of a TLS handshake) is in :data:`TURNS`; a session
changes its state only through :func:`advance`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final


class State(enum.Enum):
    """Where an SMTP session is."""

    __hash__ = object.__hash__
    """Members are singletons: hashed by identity, in C (Enum's own hash is Python code
    hashing the name), as every command looks its move up in the tables below."""

    CONNECTED = "connected"
    """Greeting sent; the client has not said HELO or EHLO yet."""
    GREETED = "greeted"
    """HELO/EHLO done; no mail transaction open."""
    MAIL = "mail"
    """MAIL FROM accepted; waiting for recipients."""
    RCPT = "rcpt"
    """At least one RCPT TO accepted; DATA may follow."""
    DATA = "data"
    """After the 354: message lines are being received until <CRLF>.<CRLF>."""
    CLOSED = "closed"
    """After a 221 or 421: the server closes the connection."""


class Verb(enum.Enum):
    """The commands the engine implements, plus the end of the message text."""

    __hash__ = object.__hash__  # as State's

    HELO = "HELO"
    EHLO = "EHLO"
    MAIL = "MAIL"
    RCPT = "RCPT"
    DATA = "DATA"
    RSET = "RSET"
    NOOP = "NOOP"
    QUIT = "QUIT"
    VRFY = "VRFY"
    EXPN = "EXPN"
    HELP = "HELP"
    STARTTLS = "STARTTLS"
    """RFC 3207; offered only when the policy says so (else 502, as an unimplemented verb)."""
    AUTH = "AUTH"
    """RFC 4954; offered only when the policy says so (else 502)."""
    END_OF_DATA = "."
    """The line ``.`` that ends the message text (not a command, but a move)."""


UNIMPLEMENTED: Final = frozenset(
    {"TURN", "ETRN", "ATRN", "BDAT", "SEND", "SOML", "SAML"}
)
"""SMTP verbs a real server may know but this one does not offer: 502, not 500."""

OPTIONAL_VERBS: Final = frozenset({Verb.STARTTLS, Verb.AUTH})
"""Verbs of extensions the policy may leave out (then they are answered 502)."""

_OPEN: Final = (State.CONNECTED, State.GREETED, State.MAIL, State.RCPT)
_GREETED_OR_LATER: Final = (State.GREETED, State.MAIL, State.RCPT)


def _build_transitions() -> dict[tuple[State, Verb], State]:
    table: dict[tuple[State, Verb], State] = {}
    for state in _OPEN:
        # RFC 5321 §4.1.4: HELO/EHLO may come again and resets the transaction.
        table[state, Verb.HELO] = State.GREETED
        table[state, Verb.EHLO] = State.GREETED
        # RSET clears the transaction but keeps the greeting (§4.1.1.5).
        table[state, Verb.RSET] = State.CONNECTED if state is State.CONNECTED else State.GREETED
        for verb in (Verb.NOOP, Verb.VRFY, Verb.EXPN, Verb.HELP):
            table[state, verb] = state
        table[state, Verb.QUIT] = State.CLOSED
    table[State.GREETED, Verb.MAIL] = State.MAIL
    table[State.MAIL, Verb.RCPT] = State.RCPT
    table[State.RCPT, Verb.RCPT] = State.RCPT
    table[State.RCPT, Verb.DATA] = State.DATA
    table[State.DATA, Verb.END_OF_DATA] = State.GREETED
    # RFC 3207 §4.2: after the handshake the session starts over, from before EHLO.
    table[State.GREETED, Verb.STARTTLS] = State.CONNECTED
    # RFC 4954 §4: AUTH between EHLO and MAIL; the 334 dialogue is an input mode, not a state.
    table[State.GREETED, Verb.AUTH] = State.GREETED
    return table


TRANSITIONS: Final[Mapping[tuple[State, Verb], State]] = MappingProxyType(_build_transitions())
"""(state, verb) -> state after a successful command. Missing keys are illegal moves."""

SEQUENCE_ERRORS: Final[Mapping[tuple[State, Verb], str]] = MappingProxyType({
    (State.CONNECTED, Verb.MAIL): "sequence.need-helo",
    (State.CONNECTED, Verb.RCPT): "sequence.need-helo",
    (State.CONNECTED, Verb.DATA): "sequence.need-helo",
    (State.GREETED, Verb.RCPT): "sequence.rcpt-before-mail",
    (State.GREETED, Verb.DATA): "sequence.data-before-mail",
    (State.MAIL, Verb.DATA): "sequence.data-before-rcpt",
    (State.MAIL, Verb.MAIL): "sequence.nested-mail",
    (State.RCPT, Verb.MAIL): "sequence.nested-mail",
    (State.CONNECTED, Verb.STARTTLS): "sequence.need-helo",
    (State.MAIL, Verb.STARTTLS): "sequence.starttls-in-transaction",
    (State.RCPT, Verb.STARTTLS): "sequence.starttls-in-transaction",
    (State.CONNECTED, Verb.AUTH): "sequence.need-helo",
    (State.MAIL, Verb.AUTH): "sequence.auth-in-transaction",
    (State.RCPT, Verb.AUTH): "sequence.auth-in-transaction",
})
"""(state, verb) -> catalogue key of the 503 that explains why the move is illegal."""


class Turn(enum.Enum):
    """A move the server makes without a command of the client's."""

    CLOSE = "close"
    """A 421 (or a rule's disconnect): RFC 5321 §3.8, the channel closes in any state."""
    TLS_STARTED = "tls-started"
    """The TLS handshake finished: RFC 3207 §4.2, the session starts over before EHLO."""


def _build_turns() -> dict[tuple[State, Turn], State]:
    table = {(state, Turn.CLOSE): State.CLOSED for state in State}
    table |= {(state, Turn.TLS_STARTED): State.CONNECTED for state in _OPEN}
    table[State.CLOSED, Turn.TLS_STARTED] = State.CLOSED  # a closed session stays closed
    return table


TURNS: Final[Mapping[tuple[State, Turn], State]] = MappingProxyType(_build_turns())
"""(state, turn) -> state after it."""


def advance(state: State, move: Verb | Turn) -> State:
    """The state after ``move``: a legal command (see :func:`next_state`) or a turn."""
    if isinstance(move, Turn):
        return TURNS[state, move]
    return TRANSITIONS[state, move]


def next_state(state: State, verb: Verb) -> State | str:
    """The state a successful ``verb`` leads to, or the reply key that refuses it."""
    after = TRANSITIONS.get((state, verb))  # one lookup for the legal move, the common case
    return SEQUENCE_ERRORS[state, verb] if after is None else after
