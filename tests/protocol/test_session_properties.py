"""Properties of the engine that must hold for any input (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.protocol import Exchange, Policy, Session, State, Then, Verb
from simulator.protocol.replies import MAX_REPLY_LINE
from simulator.protocol.state import SEQUENCE_ERRORS, TRANSITIONS

TYPICAL = (b"EHLO client.example\r\nMAIL FROM:<a@b.example> SIZE=20\r\nRCPT TO:<c@d.example>\r\n"
           b"RCPT TO:bad\r\nDATA\r\nSubject: x\r\n\r\n..dot\r\nbare\nlf\r\n.\r\nHELOO\r\n"
           b"NOOP\nRSET\r\nMAIL FROM:<>\r\nRCPT TO:<e@f.example>\r\nDATA\r\nhi\r\n.\r\n"
           + b"x" * 600 + b"\r\nQUIT\r\nNOOP\r\n")

COMMAND_WORDS = [b"EHLO x.example", b"HELO x.example", b"MAIL FROM:<a@b.example>", b"MAIL FROM:<>",
                 b"RCPT TO:<c@d.example>", b"DATA", b"RSET", b"NOOP", b"VRFY u", b"EXPN l",
                 b"HELP", b"QUIT", b".", b"text", b"", b"HELOO", b"MAIL FROM:x", b"\x00\xff",
                 b"x" * 600, b"NOOP " + b"y" * 505, b"QU\xc4\xb1T"]
ENDINGS = [b"\r\n", b"\n", b"\r", b""]


def replies_for(chunks: list[bytes], policy: Policy | None = None) -> list[bytes]:
    session = Session(policy)
    out = [session.greeting().reply.to_bytes()]
    for chunk in chunks:
        out.extend(e.reply.to_bytes() for e in session.receive_data(chunk))
    return out


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


@given(st.lists(st.integers(min_value=0), max_size=40))
def test_replies_do_not_depend_on_how_bytes_are_split(cuts: list[int]) -> None:
    assert replies_for(split_at(TYPICAL, cuts)) == replies_for([TYPICAL])


script = st.lists(st.tuples(st.sampled_from(COMMAND_WORDS), st.sampled_from(ENDINGS)),
                  max_size=30).map(lambda items: b"".join(w + e for w, e in items))


@given(script, st.lists(st.integers(min_value=0), max_size=20), st.booleans())
def test_any_script_same_replies_whatever_the_chunking(data: bytes, cuts: list[int],
                                                       bare_lf: bool) -> None:
    policy = Policy(accept_bare_lf=bare_lf)
    assert replies_for(split_at(data, cuts), policy) == replies_for([data], policy)


def assert_well_formed(exchange: Exchange) -> None:
    data = exchange.reply.to_bytes()
    assert data.endswith(b"\r\n")
    for line in data[:-2].split(b"\r\n"):
        assert len(line) + 2 <= MAX_REPLY_LINE
        assert re.fullmatch(rb"[2-5][0-9][0-9][ -][\x20-\x7e]*", line), line


@settings(max_examples=300)
@given(st.lists(st.binary(max_size=700), max_size=12), st.sampled_from(list(State)[:5]))
def test_random_bytes_in_any_state_give_replies_or_close_never_an_exception(
        chunks: list[bytes], start: State) -> None:
    session = Session()
    session.greeting()
    session.receive_data({
        State.CONNECTED: b"",
        State.GREETED: b"EHLO a.example\r\n",
        State.MAIL: b"EHLO a.example\r\nMAIL FROM:<>\r\n",
        State.RCPT: b"EHLO a.example\r\nMAIL FROM:<>\r\nRCPT TO:<b@c.example>\r\n",
        State.DATA: b"EHLO a.example\r\nMAIL FROM:<>\r\nRCPT TO:<b@c.example>\r\nDATA\r\n",
    }[start])
    assert session.state is start
    for chunk in chunks:
        for exchange in session.receive_data(chunk):
            assert_well_formed(exchange)
            if exchange.then is Then.CLOSE:
                assert session.state is State.CLOSED


@given(st.binary(max_size=2000))
def test_random_command_line_parses_or_gets_a_protocol_reply(payload: bytes) -> None:
    session = Session(Policy(error_budget=0))
    session.greeting()
    for exchange in session.receive_data(b"EHLO a.example\r\n" + payload + b"\r\n"):
        assert_well_formed(exchange)


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


text_line = st.lists(st.sampled_from([b"a", b".", b" ", b"\xc3\xa9", b"\n", b"\r"]), max_size=12).map(b"".join)


@given(st.lists(text_line, max_size=15), st.lists(st.integers(min_value=0), max_size=10),
       st.booleans())
def test_message_text_matches_a_line_by_line_model(lines: list[bytes], cuts: list[int],
                                                   bare_lf: bool) -> None:
    """Whatever path the engine takes through the text, the result is the RFC's, line by line."""
    body = [line for line in lines if line != b"." and b"\r\n" not in line]
    data = b"".join(line + b"\r\n" for line in body) + b".\r\n"
    session = Session(Policy(accept_bare_lf=bare_lf))
    session.greeting()
    session.receive_data(b"EHLO a.example\r\nMAIL FROM:<>\r\nRCPT TO:<b@c.example>\r\nDATA\r\n")
    exchanges = [e for chunk in split_at(data, cuts) for e in session.receive_data(chunk)]
    joined = b"".join(body)
    if b"\n" in joined and not bare_lf:
        assert [e.reply.key for e in exchanges] == ["data.bare-lf"]
    elif b"\r" in joined:
        assert [e.reply.key for e in exchanges] == ["data.bare-cr"]
    else:
        unstuffed = [line[1:] if line.startswith(b".") else line for line in body]
        expected = b"".join(line.replace(b"\n", b"\r\n") + b"\r\n" for line in unstuffed)
        assert [e.reply.key for e in exchanges] == ["data.accepted"]
        message = exchanges[0].message
        assert message is not None and message.content.endswith(expected)
        assert message.content.count(b"\r\n\tby ") == 1


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
