"""The state table: every (state, verb) pair is a legal move or a named 503, and the engine
does what the table says."""

from __future__ import annotations

import pytest

from simulator.protocol import Policy, Session, State, Verb
from simulator.protocol.state import SEQUENCE_ERRORS, TRANSITIONS, TURNS, Turn, advance
from tests.dialogue import GREETED, IN_MAIL, IN_RCPT, first_reply

SETUP = {
    State.CONNECTED: [],
    State.GREETED: ["EHLO a.example"],
    State.MAIL: ["EHLO a.example", "MAIL FROM:<a@b.example>"],
    State.RCPT: ["EHLO a.example", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>"],
}


VALID_LINE = {
    Verb.HELO: "HELO a.example", Verb.EHLO: "EHLO a.example", Verb.MAIL: "MAIL FROM:<x@y.example>",
    Verb.RCPT: "RCPT TO:<x@y.example>", Verb.DATA: "DATA", Verb.RSET: "RSET", Verb.NOOP: "NOOP",
    Verb.QUIT: "QUIT", Verb.VRFY: "VRFY x", Verb.EXPN: "EXPN x", Verb.HELP: "HELP",
}


def test_every_state_command_pair_is_decided_by_the_table() -> None:
    """Each (state, verb) is a legal move or a named 503, and the engine does what the table says."""
    for state, setup in SETUP.items():
        for verb, line in VALID_LINE.items():
            session = Session()
            session.greeting()
            for earlier in setup:
                session.receive_data(earlier.encode() + b"\r\n")
            exchange = session.receive_data(line.encode() + b"\r\n")[0]
            if (state, verb) in TRANSITIONS:
                assert exchange.state_after is TRANSITIONS[state, verb], (state, verb)
                assert exchange.reply.code < 400, (state, verb)
            else:
                assert exchange.reply.key == SEQUENCE_ERRORS[state, verb], (state, verb)
                assert exchange.reply.code == 503 and exchange.state_after is state


def test_table_has_no_overlap_and_no_gap() -> None:
    for state in SETUP:
        for verb in VALID_LINE:
            pair = (state, verb)
            assert (pair in TRANSITIONS) != (pair in SEQUENCE_ERRORS), pair


def test_starttls_and_auth_moves_are_decided_by_the_table_when_offered() -> None:
    lines = {Verb.STARTTLS: ("STARTTLS", Policy(tls=True)),
             Verb.AUTH: ("AUTH PLAIN", Policy(auth=True))}
    for state, setup in SETUP.items():
        for verb, (line, policy) in lines.items():
            session = Session(policy)
            session.greeting()
            for earlier in setup:
                session.receive_data(earlier.encode() + b"\r\n")
            exchange = session.receive_data(line.encode() + b"\r\n")[0]
            pair = (state, verb)
            assert (pair in TRANSITIONS) != (pair in SEQUENCE_ERRORS), pair
            if pair in TRANSITIONS:
                assert exchange.state_after is TRANSITIONS[pair], pair
                assert exchange.reply.code in (220, 334), pair
            else:
                assert exchange.reply.key == SEQUENCE_ERRORS[pair], pair


# (setup, line sent, expected code, expected enhanced code, expected key)
DIALOGUES: list[tuple[tuple[bytes, ...], str | bytes, int, str | None, str]] = [
    # sequence (RFC 5321 §4.1.4, §3.3)
    ((), "MAIL FROM:<a@b.example>", 503, "5.5.1", "sequence.need-helo"),
    ((), "RCPT TO:<a@b.example>", 503, "5.5.1", "sequence.need-helo"),
    ((), "DATA", 503, "5.5.1", "sequence.need-helo"),
    (GREETED, "RCPT TO:<a@b.example>", 503, "5.5.1", "sequence.rcpt-before-mail"),
    (GREETED, "DATA", 503, "5.5.1", "sequence.data-before-mail"),
    (IN_MAIL, "DATA", 503, "5.5.1", "sequence.data-before-rcpt"),
    (IN_MAIL, "MAIL FROM:<c@d.example>", 503, "5.5.1", "sequence.nested-mail"),
    (IN_RCPT, "MAIL FROM:<c@d.example>", 503, "5.5.1", "sequence.nested-mail"),
]


@pytest.mark.parametrize(("setup", "line", "code", "enhanced", "key"), DIALOGUES,
                         ids=[repr(d[1])[:50] for d in DIALOGUES])
def test_dialogue(setup: tuple[bytes, ...], line: str | bytes, code: int, enhanced: str | None,
                  key: str) -> None:
    assert first_reply(setup, line) == (code, enhanced, key)



# -- the server's own moves (Turn): every state change goes through a table ----------------


@pytest.mark.parametrize("state", list(State))
def test_a_close_ends_every_state(state: State) -> None:
    assert advance(state, Turn.CLOSE) is State.CLOSED  # RFC 5321 §3.8: 421 in any state


def test_the_end_of_a_tls_handshake_starts_the_session_over() -> None:
    assert advance(State.GREETED, Verb.STARTTLS) is State.CONNECTED
    assert advance(State.CONNECTED, Turn.TLS_STARTED) is State.CONNECTED  # RFC 3207 §4.2
    assert advance(State.CLOSED, Turn.TLS_STARTED) is State.CLOSED
    assert (State.DATA, Turn.TLS_STARTED) not in TURNS  # no handshake inside a message


def test_a_command_moves_as_its_transition_says() -> None:
    for (state, verb), after in TRANSITIONS.items():
        assert advance(state, verb) is after

