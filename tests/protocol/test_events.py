"""What the engine hands its drivers: an accepted message's envelope and flags, and what each
Exchange tells the driver to do next."""

from __future__ import annotations

import pytest

from simulator.protocol import Policy, Session, Then
from simulator.protocol.events import ReceivedMessage
from tests.dialogue import GREETED, send, session_after


def _accepted_message(mail: str, text: bytes) -> ReceivedMessage | None:
    from simulator.protocol import Session

    session = Session(session_id="S1")
    session.greeting()
    for line in (b"EHLO c.example\r\n", mail.encode() + b"\r\n", b"RCPT TO:<b@b.example>\r\n",
                 b"DATA\r\n"):
        session.receive_data(line)
    exchanges = session.receive_data(text + b"\r\n.\r\n")
    return exchanges[-1].message


@pytest.mark.parametrize(("mail", "text", "header", "body"), [
    ("MAIL FROM:<a@a.example>", "Subject: 你好\r\n\r\n正文", True, True),
    # BODY=8BITMIME covers the body only (RFC 6152); a raw UTF-8 header needs SMTPUTF8 (RFC 6532)
    ("MAIL FROM:<a@a.example> BODY=8BITMIME", "Subject: 你好\r\n\r\n正文", True, False),
    # SMTPUTF8 allows the header; the 8-bit body still wants BODY=8BITMIME
    ("MAIL FROM:<用户@例子.中国> SMTPUTF8", "Subject: 你好\r\n\r\n正文", False, True),
    ("MAIL FROM:<用户@例子.中国> SMTPUTF8 BODY=8BITMIME", "Subject: 你好\r\n\r\n正文", False,
     False),
    ("MAIL FROM:<a@a.example>", "Subject: =?UTF-8?B?5L2g5aW9?=\r\n\r\n正文", False, True),
    ("MAIL FROM:<a@a.example>", "Subject: hi\r\n\r\nbody", False, False),
])
def test_undeclared_8bit_text_is_accepted_and_flagged_per_part(mail: str, text: str,
                                                               header: bool, body: bool) -> None:
    message = _accepted_message(mail, text.encode())
    assert message is not None
    assert (message.undeclared_8bit_header, message.undeclared_8bit_body) == (header, body)
    assert message.undeclared_8bit == (header or body)


def test_the_envelope_says_who_the_message_is_from_and_to_as_the_client_said_it() -> None:
    session = session_after(b"EHLO Client.Example\r\n", b"MAIL FROM:<Ann@a.example> BODY=8BITMIME\r\n",
                            b"RCPT TO:<bob@b.example>\r\n", b"RCPT TO:<Cy@c.example>\r\n", b"DATA\r\n")
    message = send(session, "hi", ".")[-1].message
    assert message is not None
    envelope = message.envelope
    assert (envelope.sender, envelope.recipients, envelope.helo) == (
        "Ann@a.example", ("bob@b.example", "Cy@c.example"), "Client.Example")
    assert envelope.body == "8BITMIME" and not envelope.smtputf8


def test_then_tells_the_driver_to_go_on_close_or_start_tls() -> None:
    assert [e.then for e in send(session_after(*GREETED), "NOOP", "QUIT")] == [
        Then.CONTINUE, Then.CLOSE]
    tls = Session(Policy(tls=True))
    tls.greeting()
    assert send(tls, "EHLO c.example", "STARTTLS")[-1].then is Then.START_TLS
