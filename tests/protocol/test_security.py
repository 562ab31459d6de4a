"""STARTTLS (RFC 3207) in the engine, and the gates before MAIL: 530 and 538."""

from __future__ import annotations

import pytest

from simulator.protocol import Policy, Session, State, Then
from simulator.protocol.replies import make_reply
from tests.dialogue import IN_MAIL, IN_RCPT, keys, send, session_after, wire

TLS = Policy(tls=True)


def ehlo_keywords(session: Session) -> list[str]:
    [reply] = send(session, "EHLO client.example")
    return [line.split()[0] for line in reply.reply.lines[1:]]


def test_without_tls_starttls_is_not_implemented_and_not_offered() -> None:
    session = session_after()
    assert "STARTTLS" not in ehlo_keywords(session)
    [reply] = send(session, "STARTTLS")
    assert reply.reply.wire_lines() == ["502 5.5.1 Command STARTTLS not implemented"]


def test_starttls_is_offered_answered_220_and_asks_the_driver_for_a_handshake() -> None:
    session = session_after(policy=TLS)
    assert "STARTTLS" in ehlo_keywords(session)
    [ready] = send(session, "STARTTLS")
    assert wire([ready]) == b"220 2.0.0 Ready to start TLS\r\n"
    assert ready.then is Then.START_TLS and ready.state_after is State.CONNECTED


def test_after_the_handshake_the_session_starts_over() -> None:
    session = session_after(b"EHLO client.example\r\n", policy=Policy(tls=True, auth=True))
    assert "AUTH" not in ehlo_keywords(session)
    send(session, "STARTTLS")
    session.tls_started()
    assert session.security.tls and session.state is State.CONNECTED and session.helo is None
    assert keys(send(session, "MAIL FROM:<a@b.example>")) == ["sequence.need-helo"]
    offered = ehlo_keywords(session)
    assert "STARTTLS" not in offered and "AUTH" in offered
    assert keys(send(session, "STARTTLS")) == ["tls.already-active"]
    assert make_reply("tls.already-active").wire_lines() == [
        "503 5.5.1 Bad sequence of commands: TLS is already active"]


@pytest.mark.parametrize("policy", [Policy(implicit_tls=True, auth=True),
                                    Policy(implicit_tls=True, auth=True, require_auth=True)])
def test_starttls_on_an_implicit_tls_port_is_already_active_not_unimplemented(
        policy: Policy) -> None:
    """Port 465 (RFC 8314 §3.3): TLS came first, so STARTTLS is 503 "already active" (RFC 3207
    §4.2; Postfix's smtps says the same), never 502, whose text says to start with --tls."""
    session = Session(policy)
    session.tls_started()  # the driver's handshake before the greeting
    session.greeting()
    assert "STARTTLS" not in ehlo_keywords(session)
    assert keys(send(session, "STARTTLS", "starttls")) == ["tls.already-active"] * 2
    assert keys(send(session, "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0")) == ["auth.succeeded"]  # the session goes on


def test_bytes_after_starttls_before_the_handshake_are_never_executed() -> None:
    """CVE-2011-0411: a command injected behind STARTTLS in the same packet is dropped."""
    session = session_after(b"EHLO client.example\r\n", policy=TLS)
    exchanges = session.receive_data(b"STARTTLS\r\nRSET\r\n")
    assert keys(exchanges) == ["tls.ready"]
    assert session.receive_data(b"NOOP\r\n") == []  # nothing is read until the handshake
    session.tls_started()
    assert keys(send(session, "NOOP")) == ["session.noop"]  # the RSET never got a reply


def test_starttls_with_an_argument_or_in_a_transaction_is_refused() -> None:
    session = session_after(b"EHLO client.example\r\n", policy=TLS)
    [argument] = send(session, "STARTTLS now")
    assert argument.reply.wire_lines() == ["501 5.5.4 Syntax error: STARTTLS takes no argument"]
    for setup in (IN_MAIL, IN_RCPT):
        [refused] = send(session_after(*setup, policy=TLS), "STARTTLS")
        assert (refused.reply.code, refused.reply.enhanced) == (503, "5.5.1")
        assert refused.reply.key == "sequence.starttls-in-transaction"
        assert refused.then is Then.CONTINUE
    assert keys(send(session_after(policy=TLS), "STARTTLS")) == ["sequence.need-helo"]


def test_a_driver_without_tls_answers_454() -> None:
    session = Session(TLS, tls_available=False)
    send(session, "EHLO client.example")
    [reply] = send(session, "STARTTLS")
    assert reply.reply.wire_lines()[0].startswith("454 4.7.0 TLS not available")
    assert reply.then is Then.CONTINUE


@pytest.mark.parametrize("line", ["MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA",
                                  "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"])
def test_require_tls_refuses_mail_rcpt_data_and_auth_before_starttls(line: str) -> None:
    policy = Policy(tls=True, require_tls=True, auth=True)
    session = session_after(b"EHLO client.example\r\n", policy=policy)
    [refused] = send(session, line)
    assert refused.reply.wire_lines() == ["530 5.7.0 Must issue a STARTTLS command first"]
    send(session, "STARTTLS")
    session.tls_started()
    send(session, "EHLO client.example")
    assert send(session, "MAIL FROM:<a@b.example>")[0].reply.code == 250


def test_auth_in_the_clear_when_tls_is_offered_is_538() -> None:
    session = session_after(b"EHLO client.example\r\n", policy=Policy(tls=True, auth=True))
    [refused] = send(session, "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0")
    assert refused.reply.wire_lines() == [
        "538 5.7.11 Encryption required for requested authentication mechanism; send STARTTLS first"]


def test_require_auth_refuses_mail_until_235() -> None:
    session = session_after(b"EHLO client.example\r\n",
                            policy=Policy(auth=True, require_auth=True))
    [refused] = send(session, "MAIL FROM:<a@b.example>")
    assert refused.reply.wire_lines() == ["530 5.7.0 Authentication required"]
    assert keys(send(session, "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0")) == ["auth.succeeded"]
    assert session.authenticated and session.security.user == "student"
    assert keys(send(session, "MAIL FROM:<a@b.example>")) == ["mail.accepted"]


def test_received_header_names_tls_and_auth() -> None:
    """RFC 3848: ESMTPSA for a message sent over TLS by an authenticated client."""
    session = session_after(b"EHLO client.example\r\nSTARTTLS\r\n",
                            policy=Policy(tls=True, auth=True))
    session.tls_started()
    exchanges = send(session, "EHLO client.example", "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0",
                     "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA", "hi", ".")
    message = exchanges[-1].message
    assert message is not None and b"with ESMTPSA id" in message.content
