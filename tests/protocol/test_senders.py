"""The sender login check (senders.py): Postfix's reject_sender_login_mismatch at MAIL FROM."""

from __future__ import annotations

import base64

from simulator.protocol import Policy, Session
from simulator.protocol.auth import Account
from simulator.protocol.credentials import masked
from simulator.protocol.senders import owners
from tests.dialogue import keys, send, session_after, wire

ACCOUNTS = (Account("ann@example.com", "ann-pw", addresses=("sales@example.com",)),
            Account("bob@example.com", "bob-pw"), Account("carol", "carol-pw"))
CHECKED = Policy(auth=True, accounts=ACCOUNTS, sender_login_match=True)


def login(user: str, password: str, policy: Policy = CHECKED) -> Session:
    session = session_after(b"EHLO client.example\r\n", policy=policy)
    plain = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    assert keys(send(session, "AUTH PLAIN " + plain)) == ["auth.succeeded"]
    return session


def test_mail_from_another_users_address_is_553_then_ones_own_is_250() -> None:
    session = login("ann@example.com", "ann-pw")
    [other] = send(session, "MAIL FROM:<bob@example.com>")
    assert wire([other]) == (b"553 5.7.1 <bob@example.com>: Sender address rejected: "
                             b"not owned by the user logged in\r\n")
    assert keys(send(session, "RCPT TO:<x@example.net>")) == ["sequence.rcpt-before-mail"]
    assert keys(send(session, "MAIL FROM:<Ann@EXAMPLE.com>", "RCPT TO:<x@example.net>")) == [
        "mail.accepted", "rcpt.accepted"]


def test_aliases_are_owned_and_unowned_addresses_are_not() -> None:
    session = login("ann@example.com", "ann-pw")
    assert keys(send(session, "MAIL FROM:<sales@example.com>", "RSET",
                     "MAIL FROM:<nobody@example.org>", "MAIL FROM:<>")) == [
        "mail.accepted", "session.rset", "mail.sender-not-owned", "mail.accepted"]


def test_a_login_that_is_no_address_owns_nothing_but_the_null_sender() -> None:
    session = login("carol", "carol-pw")
    assert keys(send(session, "MAIL FROM:<carol@example.com>", "MAIL FROM:<>")) == [
        "mail.sender-not-owned", "mail.accepted"]


def test_an_owned_address_needs_its_owner_logged_in() -> None:
    session = session_after(b"EHLO client.example\r\n", policy=CHECKED)
    [mail] = send(session, "MAIL FROM:<bob@example.com>")
    assert (mail.reply.key, mail.reply.code, mail.reply.enhanced) == (
        "mail.sender-needs-login", 553, "5.7.1")
    assert keys(send(session, "MAIL FROM:<stranger@example.net>")) == ["mail.accepted"]


def test_without_the_switch_anyone_sends_as_anyone() -> None:
    session = login("ann@example.com", "ann-pw", Policy(auth=True, accounts=ACCOUNTS))
    assert keys(send(session, "MAIL FROM:<bob@example.com>")) == ["mail.accepted"]
    assert Session(CHECKED).greeting().reply.key == "session.greeting"  # no scenario named


def test_the_refusal_shows_no_credential() -> None:
    session = session_after(b"EHLO client.example\r\n", policy=CHECKED)
    plain = base64.b64encode(b"\0ann@example.com\0ann-pw").decode()
    exchanges = send(session, "AUTH PLAIN " + plain, "MAIL FROM:<bob@example.com>")
    shown = [masked(exchange) for exchange in exchanges]
    assert shown[0].line == b"AUTH PLAIN ****\r\n"
    assert b"ann-pw" not in wire(exchanges) and "ann-pw" not in shown[1].reply.text


def test_owners() -> None:
    assert owners(ACCOUNTS, "SALES@example.com") == ("ann@example.com",)
    assert owners(ACCOUNTS, "carol") == ()
