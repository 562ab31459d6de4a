"""AUTH PLAIN and LOGIN (RFC 4954, RFC 4616): every reply, the 334 dialogue, the masking."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.protocol import Policy, Session
from simulator.protocol.auth import Account, AppStyle, parse_account
from simulator.protocol.commands import AuthAnswer
from simulator.protocol.credentials import masked, shown_line
from tests.dialogue import IN_MAIL, keys, send, session_after, wire

ACCOUNTS = (Account("student", "secret"), Account("qq", "web-pass", "abcdefghijklmnop"))
AUTH = Policy(auth=True, accounts=ACCOUNTS)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def greeted(policy: Policy = AUTH) -> Session:
    return session_after(b"EHLO client.example\r\n", policy=policy)


def test_auth_is_offered_and_plain_with_initial_response_succeeds() -> None:
    session = greeted()
    [ehlo] = send(session, "EHLO client.example")
    assert "AUTH PLAIN LOGIN" in ehlo.reply.lines
    [ok] = send(session, "AUTH PLAIN " + b64("\0student\0secret"))
    assert wire([ok]) == b"235 2.7.0 Authentication successful\r\n"
    assert session.authenticated and session.security.user == "student"


def test_plain_with_an_empty_challenge() -> None:
    session = greeted()
    [challenge] = send(session, "AUTH PLAIN")
    assert wire([challenge]) == b"334 \r\n"
    assert keys(send(session, b64("\0student\0secret"))) == ["auth.succeeded"]


def test_login_asks_for_user_name_then_password_in_base64() -> None:
    session = greeted()
    exchanges = send(session, "AUTH LOGIN", b64("student"), b64("secret"))
    assert wire(exchanges) == (b"334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n"
                               b"235 2.7.0 Authentication successful\r\n")
    assert all(isinstance(e.command, AuthAnswer) for e in exchanges[1:])


def test_login_with_the_user_name_as_initial_response() -> None:
    session = greeted()
    assert keys(send(session, "AUTH LOGIN " + b64("student"), b64("secret"))) == [
        "auth.password-challenge", "auth.succeeded"]


def test_wrong_password_is_535_and_counts_as_an_error() -> None:
    session = greeted()
    [failed] = send(session, "AUTH PLAIN " + b64("\0student\0guess"))
    assert wire([failed]) == b"535 5.7.8 Authentication credentials invalid\r\n"
    assert not session.authenticated and session.errors == 1
    assert keys(send(session, "AUTH LOGIN", b64("nobody"), b64("secret"))) == [
        "auth.username-challenge", "auth.password-challenge", "auth.failed"]


def test_failed_attempts_spend_the_error_budget() -> None:
    session = greeted(Policy(auth=True, error_budget=3))
    exchanges = send(session, *["AUTH PLAIN " + b64("\0student\0guess")] * 3)
    assert keys(exchanges) == ["auth.failed"] * 3 + ["session.too-many-errors"]


def test_an_account_that_needs_an_app_password_says_534_for_its_own_password() -> None:
    session = greeted()
    [weak] = send(session, "AUTH PLAIN " + b64("\0qq\0web-pass"))
    assert (weak.reply.code, weak.reply.enhanced) == (534, "5.7.9")
    assert keys(send(session, "AUTH LOGIN", b64("qq"), b64("wrong"))) == [
        "auth.username-challenge", "auth.password-challenge", "auth.failed"]
    assert keys(send(session, "AUTH PLAIN " + b64("\0qq\0abcdefghijklmnop"))) == [
        "auth.succeeded"]


@pytest.mark.parametrize(("lines", "expected"), [
    (["AUTH PLAIN not*base64"], "501 5.5.2 Cannot decode the response: it is not valid base64"),
    (["AUTH LOGIN", "%%%"], "501 5.5.2 Cannot decode the response: it is not valid base64"),
    (["AUTH PLAIN " + b64("student\0secret")],
     "501 5.5.2 Bad PLAIN response: send base64 of authzid NUL user NUL password"),
    (["AUTH LOGIN", "*"], "501 5.0.0 Authentication cancelled"),
    (["AUTH PLAIN", "*"], "501 5.0.0 Authentication cancelled"),
    (["AUTH CRAM-MD5"], "504 5.5.4 Unrecognized authentication type CRAM-MD5; offered here: PLAIN LOGIN"),
    (["AUTH PLAIN " + b64("admin\0student\0secret")], "535 5.7.8 Authentication credentials invalid"),
])
def test_refusals(lines: list[str], expected: str) -> None:
    session = greeted()
    assert send(session, *lines)[-1].reply.wire_lines() == [expected]
    assert not session.authenticated
    assert keys(send(session, "NOOP")) == ["session.noop"]  # back to commands


def test_auth_twice_and_auth_in_a_transaction_are_503() -> None:
    session = greeted()
    send(session, "AUTH PLAIN " + b64("\0student\0secret"))
    [again] = send(session, "AUTH PLAIN " + b64("\0student\0secret"))
    assert again.reply.wire_lines() == ["503 5.5.1 Bad sequence of commands: already authenticated"]
    [busy] = send(session_after(*IN_MAIL, policy=AUTH), "AUTH LOGIN")
    assert (busy.reply.code, busy.reply.enhanced, busy.reply.key) == (
        503, "5.5.1", "sequence.auth-in-transaction")


def test_without_auth_the_command_is_not_implemented() -> None:
    session = session_after(b"EHLO client.example\r\n")
    assert keys(send(session, "AUTH PLAIN " + b64("\0student\0secret"))) == [
        "syntax.not-implemented"]


def test_a_dialogue_line_is_never_a_command() -> None:
    session = greeted()
    # "QUIT" is valid base64 too: here it is a user name, not the end of the session.
    assert keys(send(session, "AUTH LOGIN", "QUIT")) == ["auth.username-challenge",
                                                         "auth.password-challenge"]
    assert not session.closed


def test_auth_lines_may_be_12288_octets_not_more() -> None:
    session = greeted()
    # 12288 octets with CRLF: read whole (and found not to be base64: 12286 is not 4k)
    assert keys(send(session, "AUTH LOGIN", "A" * 12286)) == [
        "auth.username-challenge", "auth.bad-base64"]
    assert keys(send(session, "AUTH LOGIN", "A" * 12284)) == [
        "auth.username-challenge", "auth.password-challenge"]
    [too_long] = send(session, "A" * 12287)
    assert too_long.reply.wire_lines()[0].startswith("500 5.5.6 Authentication Exchange line")
    assert keys(send(session, "AUTH PLAIN " + "A" * 12300)) == ["auth.line-too-long"]
    assert keys(send(session, "NOOP " + "x" * 600)) == ["limits.line-too-long"]


DIALOGUE = ("EHLO client.example\r\nAUTH LOGIN\r\n" + b64("student") + "\r\n" + b64("guess")
            + "\r\nAUTH PLAIN\r\n*\r\nAUTH PLAIN " + b64("student\0x") + "\r\nAUTH LOGIN "
            + b64("student") + "\r\n" + b64("secret") + "\r\nMAIL FROM:<a@b.example>\r\n").encode()


@given(st.lists(st.integers(min_value=0, max_value=len(DIALOGUE)), max_size=30))
def test_auth_replies_do_not_depend_on_how_bytes_are_split(cuts: list[int]) -> None:
    def replies(chunks: list[bytes]) -> list[bytes]:
        session = Session(AUTH)
        return [e.reply.to_bytes() for chunk in chunks for e in session.receive_data(chunk)]

    points = sorted(set(cuts))
    chunks = [DIALOGUE[a:b] for a, b in zip([0, *points], [*points, len(DIALOGUE)], strict=True)]
    whole = replies([DIALOGUE])
    assert replies(chunks) == whole
    assert [r[:3] for r in whole] == [b"250", b"334", b"334", b"535", b"334", b"501", b"501",
                                      b"334", b"235", b"250"]


def test_credentials_are_masked_for_logs() -> None:
    [plain] = send(greeted(), "AUTH PLAIN " + b64("\0student\0secret"))
    challenge, answer = send(greeted(), "AUTH LOGIN", b64("student"))
    assert masked(plain).line == b"AUTH PLAIN ****\r\n" and masked(plain).command is None
    assert masked(challenge).line == b"AUTH LOGIN\r\n"
    assert masked(answer).line == b"****\r\n"
    assert shown_line(b"auth cram-md5 c2VjcmV0\r\n", secret=True) == b"auth cram-md5 ****\r\n"
    [mail] = send(greeted(), "MAIL FROM:<a@b.example>")
    assert masked(mail).line == b"MAIL FROM:<a@b.example>\r\n"


def test_a_qq_style_account_refuses_its_web_password_with_535_asking_for_the_code() -> None:
    qq = Account("qq", "web-pass", "abcdefghijklmnop", AppStyle.QQ)
    session = greeted(Policy(auth=True, accounts=(qq,)))
    [web] = send(session, "AUTH PLAIN " + b64("\0qq\0web-pass"))
    assert wire([web]) == (b"535 5.7.8 Login refused: this account sends mail with its "
                           b"authorization code, not its web password\r\n")
    assert web.reply.key == "auth.authorization-code-required" and not session.authenticated
    assert keys(send(session, "AUTH PLAIN " + b64("\0qq\0guess"))) == ["auth.failed"]
    assert keys(send(session, "AUTH LOGIN", b64("qq"), b64("abcdefghijklmnop"))) == [
        "auth.username-challenge", "auth.password-challenge", "auth.succeeded"]


def test_each_style_counts_as_a_refused_guess_and_stays_masked() -> None:
    for style in AppStyle:
        account = Account("qq", "web-pass", "code", style)
        policy = Policy(auth=True, accounts=(account,), error_budget=2)
        session = greeted(policy)
        exchanges = send(session, "AUTH LOGIN", b64("qq"), b64("web-pass"),
                         "AUTH PLAIN " + b64("\0qq\0web-pass"))
        assert exchanges[-1].reply.key == "session.too-many-errors"
        assert [masked(e).line for e in exchanges[:4]] == [
            b"AUTH LOGIN\r\n", b"****\r\n", b"****\r\n", b"AUTH PLAIN ****\r\n"]


def test_parse_account() -> None:
    assert parse_account("ann:pw", "code") == Account("ann", "pw")
    assert parse_account("ann:p:w:app-password", "code") == Account("ann", "p:w", "code")
    assert parse_account("ann:pw:authorization-code", "code") == Account(
        "ann", "pw", "code", AppStyle.QQ)
    for bad in ("ann", "ann:", ":pw", "ann:app-password"[:4], ":pw:authorization-code"):
        with pytest.raises(ValueError):
            parse_account(bad, "code")


AUTH_WORDS = [b"AUTH PLAIN", b"AUTH LOGIN", b"AUTH PLAIN =", b"AUTH", b"AUTH X y z", b"*",
              b"c3R1ZGVudA==", b"c2VjcmV0", b"AHN0dWRlbnQAc2VjcmV0", b"=", b"%%", b"STARTTLS",
              b"STARTTLS x", b"MAIL FROM:<a@b.example>", b"EHLO c.example", b"RSET", b"A" * 13000]


@given(st.lists(st.tuples(st.sampled_from(AUTH_WORDS), st.sampled_from([b"\r\n", b"\n", b""])),
                max_size=20),
       st.booleans())
def test_any_auth_and_starttls_input_gets_a_catalogue_reply(
        lines: list[tuple[bytes, bytes]], tls: bool) -> None:
    from simulator.protocol import Then
    from simulator.protocol.replies import CATALOGUE

    session = Session(Policy(auth=True, tls=tls, require_auth=True, error_budget=0))
    session.receive_data(b"EHLO client.example\r\n")
    for word, ending in lines:
        for exchange in session.receive_data(word + ending):
            assert exchange.reply.key in CATALOGUE
            assert all(len(line) + 2 <= 512 for line in exchange.reply.wire_lines())
            if exchange.then is Then.START_TLS:
                session.tls_started()


def test_in_the_realistic_scenario_an_authenticated_client_may_relay() -> None:
    from simulator.lessons.scenarios import load_scenario

    policy = Policy(auth=True, scenario=load_scenario("realistic"))
    session = Session(policy, peer="192.0.2.7:4000")
    session.greeting()
    relay = ["MAIL FROM:<ann@example.com>", "RCPT TO:<bob@elsewhere.example>", "RSET"]
    exchanges = send(session, "EHLO client.example.org", *relay)
    assert exchanges[2].reply.wire_lines() == [
        "554 5.7.1 <bob@elsewhere.example>: Relay access denied"]
    send(session, "AUTH PLAIN " + b64("\0student\0secret"))
    assert send(session, *relay)[1].reply.wire_lines() == [
        "250 2.1.5 Recipient <bob@elsewhere.example> OK"]
