"""The command reader's checks before the arguments: the line ending, the verb (unknown or not
offered), non-ASCII and control characters, in that order."""

from __future__ import annotations

import pytest

from simulator.protocol import Policy, State, Verb
from simulator.protocol.commands import MailFrom, ProtocolError, Simple
from simulator.protocol.framing import CommandLine, Ending
from simulator.protocol.readers import parse_line, split_line
from simulator.protocol.security import Security
from tests.dialogue import GREETED, IN_RCPT, first_reply, send, session_after

# (setup, line sent, expected code, expected enhanced code, expected key)
DIALOGUES: list[tuple[tuple[bytes, ...], str | bytes, int, str | None, str]] = [
    # unknown and unimplemented verbs
    ((), "HELOO there", 500, "5.5.2", "syntax.unknown-command"),
    (IN_RCPT, "Subject: hello", 500, "5.5.2", "syntax.text-outside-data"),
    (GREETED, "From: ann@example.org", 500, "5.5.2", "syntax.text-outside-data"),
    ((), ": x", 500, "5.5.2", "syntax.unknown-command"),
    ((), "", 500, "5.5.2", "syntax.empty-line"),
    ((), "   ", 500, "5.5.2", "syntax.empty-line"),
    ((), "TURN", 502, "5.5.1", "syntax.not-implemented"),
    ((), "ETRN example.org", 502, "5.5.1", "syntax.not-implemented"),
    ((), "BDAT 100 LAST", 502, "5.5.1", "syntax.not-implemented"),
    ((), "STARTTLS", 502, "5.5.1", "syntax.not-implemented"),
    ((), "AUTH PLAIN", 502, "5.5.1", "syntax.not-implemented"),
    # non-ASCII and control characters in commands
    ((), "NOOP é", 501, "5.5.2", "syntax.non-ascii"),
    ((), "VRFY jörg", 501, "5.5.2", "syntax.non-ascii"),
    ((), "EHLO exämple.org", 501, None, "syntax.non-ascii"),
    ((), b"EHLO \xff\xfe\r\n", 501, None, "syntax.non-ascii"),
    (GREETED, b"MAIL FROM:<\xff@b.example> SMTPUTF8\r\n", 501, "5.5.2", "syntax.non-ascii"),
    ((), "HÉLO x.example", 500, "5.5.2", "syntax.unknown-command"),
    ((), "quıt", 500, "5.5.2", "syntax.unknown-command"),  # dotless i: upper() would say QUIT
    (GREETED, "MAIL FROM:<a@b.example> BODY=8BıTMıME", 501, "5.5.2", "syntax.non-ascii"),
    (GREETED, "MAIL FROM:<josé@b.example> ſMTPUTF8", 501, "5.5.2", "syntax.non-ascii"),
    (GREETED, "MAIL FROM:<a@b.example...>", 501, "5.1.7", "syntax.bad-sender-address"),
    ((), "HELO example.com.", 501, None, "syntax.helo-bad-domain"),
    ((), b"EHLO a\x01b\r\n", 501, None, "syntax.control-character"),
    # line endings (RFC 5321 §2.3.8)
    ((), b"NOOP\n", 500, "5.5.2", "syntax.bare-lf"),
    ((), b"NOOP\rNOOP\r\n", 500, "5.5.2", "syntax.bare-cr"),
]


@pytest.mark.parametrize(("setup", "line", "code", "enhanced", "key"), DIALOGUES,
                         ids=[repr(d[1])[:50] for d in DIALOGUES])
def test_dialogue(setup: tuple[bytes, ...], line: str | bytes, code: int, enhanced: str | None,
                  key: str) -> None:
    assert first_reply(setup, line) == (code, enhanced, key)


def line(content: bytes, ending: Ending = Ending.CRLF, length: int | None = None) -> CommandLine:
    return CommandLine(content, content, ending, len(content) + 2 if length is None else length)


def refusal(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(ProtocolError) as caught:
        call(*args, **kwargs)
    return caught.value.reply.key


def test_the_framing_is_judged_before_the_verb() -> None:
    assert refusal(split_line, line(b"HELOO", length=600), Policy()) == "limits.line-too-long"
    assert refusal(split_line, line(b"HELOO", Ending.BARE_CR), Policy()) == "syntax.bare-cr"
    assert refusal(split_line, line(b"NOOP", Ending.BARE_LF), Policy()) == "syntax.bare-lf"
    assert split_line(line(b"NOOP", Ending.BARE_LF), Policy(accept_bare_lf=True)) == (Verb.NOOP, "")


def test_a_verb_the_server_does_not_offer_is_502() -> None:
    assert split_line(line(b"STARTTLS"), Policy()) == (Verb.STARTTLS, "")  # a verb all the same
    security = Security(Policy(), tls_available=False)
    assert refusal(parse_line, Verb.STARTTLS, "", state=State.GREETED, policy=Policy(),
                   security=security, smtputf8=False) == "syntax.not-implemented"
    assert parse_line(Verb.STARTTLS, "", state=State.GREETED, policy=Policy(tls=True),
                      security=security, smtputf8=False) == (Simple(Verb.STARTTLS), State.CONNECTED)


def test_the_sequence_is_judged_before_the_arguments() -> None:
    security = Security(Policy(), tls_available=False)
    assert refusal(parse_line, Verb.RCPT, "TO:bad", state=State.GREETED, policy=Policy(),
                   security=security, smtputf8=False) == "sequence.rcpt-before-mail"
    assert parse_line(Verb.MAIL, "FROM:<a@b.example>", state=State.GREETED, policy=Policy(),
                      security=security, smtputf8=False) == (MailFrom("a@b.example"), State.MAIL)


def test_the_tls_gate_comes_before_the_sequence() -> None:
    policy = Policy(tls=True, require_tls=True)
    security = Security(policy, tls_available=True)
    assert refusal(parse_line, Verb.RCPT, "TO:<b@c.example>", state=State.GREETED,
                   policy=policy, security=security, smtputf8=False) == "tls.required"


CLIENT_HELLO = b"\x16\x03\x01\x01$\x01\x00\x01 \x03\x03\xd8\x96\n\xc0\x14\x009\xc0\t\n\x00*\x00(\n"
"""The start of openssl's ClientHello: binary, with bare LFs in it."""


def test_a_tls_client_hello_on_the_plain_port_is_one_reply_and_the_end() -> None:
    session = session_after()
    exchanges = send(session, CLIENT_HELLO)
    assert [e.reply.key for e in exchanges] == ["tls.spoken-on-plain-port"]
    [exchange] = exchanges
    assert (exchange.reply.code, exchange.reply.enhanced) == (421, "4.7.0")
    assert exchange.reply.lines[0].startswith(f"{session.policy.hostname} a TLS handshake")
    assert session.closed and exchange.then.value == "close"
    assert send(session, b"EHLO late.example\r\n") == []


def test_a_client_hello_inside_the_auth_dialogue_is_refused_without_a_crash() -> None:
    session = session_after(b"EHLO c.example\r\n", policy=Policy(auth=True))
    send(session, b"AUTH LOGIN\r\n")
    [exchange] = send(session, CLIENT_HELLO[:14])
    assert exchange.reply.code == 500  # framed as a command: a bare LF
