"""Which lines hold a credential (the engine's verdict), and what other screens show of them."""

from __future__ import annotations

import base64

import pytest

from simulator.protocol import Exchange, Policy, Session
from simulator.protocol.auth import Account
from simulator.protocol.credentials import CredentialLines, masked, shown_line
from tests.dialogue import send, session_after

ACCOUNTS = (Account("alice", "hunter2pass"),)
CLEAR = Policy(auth=True, accounts=ACCOUNTS)
"""AUTH offered on a plain connection."""
TLS_FIRST = Policy(auth=True, tls=True, accounts=ACCOUNTS)
"""AUTH refused with 538 until STARTTLS."""
PLAIN_B64 = base64.b64encode(b"\0alice\0hunter2pass").decode()
USER_B64, PASS_B64 = base64.b64encode(b"alice").decode(), base64.b64encode(b"hunter2pass").decode()


def greeted(policy: Policy) -> Session:
    return session_after(b"EHLO client.example\r\n", policy=policy)


def everything_shown(exchanges: list[Exchange]) -> str:
    """What another screen gets of these Exchanges: the masked lines and the replies."""
    return "\n".join(masked(e).line.decode("latin-1") + e.reply.text for e in exchanges)


@pytest.mark.parametrize("line", [
    f"AUTH\tPLAIN\t{PLAIN_B64}", f"auth\tplain\t{PLAIN_B64}", f"AUTH\t{PLAIN_B64}",
    f"AUTH\x0bPLAIN {PLAIN_B64}", f"  AUTH\tLOGIN\t{USER_B64}"])
def test_an_auth_line_with_other_white_space_is_refused_without_quoting_it(line: str) -> None:
    [refused] = send(greeted(CLEAR), line)
    assert refused.reply.code == 500 and refused.secret
    assert PLAIN_B64[:8] not in refused.reply.text and USER_B64[:5] not in refused.reply.text
    assert PLAIN_B64[:8] not in everything_shown([refused])
    assert USER_B64[:5] not in everything_shown([refused])


@pytest.mark.parametrize(("auth", "pasted"), [
    (f"AUTH PLAIN {PLAIN_B64}", [PLAIN_B64]),
    ("AUTH PLAIN", [PLAIN_B64]),
    ("AUTH LOGIN", [USER_B64, PASS_B64]),
    (f"AUTH LOGIN {USER_B64}", [PASS_B64]),
])
def test_a_credential_pasted_after_a_refused_auth_is_masked_and_not_quoted(
        auth: str, pasted: list[str]) -> None:
    session = greeted(TLS_FIRST)  # 538: AUTH before STARTTLS
    exchanges = send(session, auth, *pasted, "NOOP")
    assert exchanges[0].reply.code == 538
    assert [e.reply.code for e in exchanges[1:-1]] == [500] * len(pasted)
    assert all(e.secret for e in exchanges[:-1]) and not exchanges[-1].secret
    shown = everything_shown(exchanges)
    assert not any(secret[:6] in shown for secret in pasted)
    assert masked(exchanges[-1]).line == b"NOOP\r\n"  # a command after it is shown as sent


def test_after_a_503_too_and_commands_after_an_auth_stay_visible() -> None:
    session = greeted(CLEAR)
    send(session, f"AUTH PLAIN {PLAIN_B64}")
    again, pasted, mail = send(session, "AUTH LOGIN", USER_B64, "MAIL FROM:<a@b.example>")
    assert again.reply.key == "auth.already-authenticated" and pasted.secret
    assert masked(pasted).line == b"****\r\n" and USER_B64 not in pasted.reply.text
    assert not mail.secret and masked(mail).line == b"MAIL FROM:<a@b.example>\r\n"


@pytest.mark.parametrize("ending", [b"\r", b"\n"])
def test_a_334_answer_is_framed_as_strictly_as_a_command(ending: bytes) -> None:
    session = greeted(CLEAR)
    challenge, answer, noop = send(session, "AUTH PLAIN", PLAIN_B64.encode() + ending,
                                   "NOOP")
    assert challenge.reply.code == 334
    bare = "syntax.bare-cr" if ending == b"\r" else "syntax.bare-lf"
    assert (answer.reply.code, answer.reply.key) == (500, bare)
    assert answer.secret and not session.authenticated
    assert noop.reply.code == 250  # the dialogue ended: the next line is a command


def test_a_bare_lf_answer_is_accepted_where_bare_lf_commands_are() -> None:
    lenient = Policy(auth=True, accounts=ACCOUNTS, accept_bare_lf=True)
    session = greeted(lenient)
    exchanges = send(session, b"AUTH LOGIN\n", USER_B64.encode() + b"\n",
                     PASS_B64.encode() + b"\n")
    assert [e.reply.code for e in exchanges] == [334, 334, 235]
    bare_cr = send(greeted(lenient), "AUTH PLAIN", PLAIN_B64.encode() + b"\r", "NOOP")
    assert bare_cr[1].reply.key == "syntax.bare-cr"  # a bare CR is never a line end


def test_an_unknown_mechanism_is_quoted_only_when_it_is_a_mechanism_name() -> None:
    cram, forgot = send(greeted(CLEAR), "AUTH CRAM-MD5", f"AUTH {USER_B64}")
    assert "CRAM-MD5" in cram.reply.text and masked(cram).line == b"AUTH CRAM-MD5\r\n"
    assert USER_B64[:5] not in forgot.reply.text + masked(forgot).line.decode()


def test_shown_line_keeps_what_was_typed_around_the_mask() -> None:
    assert shown_line(b"AUTH\tPLAIN\tAGFs\r\n", secret=True) == b"AUTH\tPLAIN\t****\r\n"
    assert shown_line(b"auth login\n", secret=True) == b"auth login\n"
    assert shown_line(b"c2VjcmV0\r", secret=True) == b"****\r"
    assert shown_line(b"c2VjcmV0\r\n", secret=True, own=True) == b"c2VjcmV0\r\n"
    assert shown_line(b"AUTHOR x\r\n", secret=False) == b"AUTHOR x\r\n"


def test_credential_lines_without_the_engine() -> None:
    lines = CredentialLines()
    verdicts = [lines.secret(line, answering=False) for line in (
        b"AUTH LOGIN\r\n", b"dXNlcg==\r\n", b"cGFzcw==\r\n", b"bm90IGEgc2VjcmV0\r\n")]
    assert verdicts == [True, True, True, False]
    assert lines.secret(b"anything\r\n", answering=True)


def test_after_a_verdict_the_next_line_is_a_command_again() -> None:
    """AUTH PLAIN with its credential inline got its 235 (or 535): a typo after it is a typo,
    shown and quoted as one."""
    for password in ("hunter2pass", "wrong-one"):
        plain = base64.b64encode(f"\0alice\0{password}".encode()).decode()
        verdict, typo = send(greeted(CLEAR), f"AUTH PLAIN {plain}", "MIAL FROM:<a@b.example>")
        assert verdict.reply.code in (235, 535) and not typo.secret
        assert '"MIAL"' in typo.reply.text and masked(typo).line.startswith(b"MIAL")


def test_a_dialogue_cut_short_still_masks_the_password_that_follows() -> None:
    """AUTH LOGIN's user name ended by a bare CR ends the exchange with 500, but the
    client's password line still comes: it is masked, not quoted."""
    session = greeted(CLEAR)
    exchanges = send(session, "AUTH LOGIN", USER_B64.encode() + b"\r", PASS_B64)
    assert [e.reply.code for e in exchanges] == [334, 500, 500]
    assert exchanges[2].secret and PASS_B64[:6] not in everything_shown(exchanges)


@pytest.mark.parametrize(("lines", "pasted"), [
    # a "*" cancels the exchange (501) but answers none of the lines the mechanism asked for:
    # the credential typed after it was logged, put on the dashboard, the demo screen and
    # its cast, and quoted by the 500 (held-out attack on issue 18)
    (["AUTH PLAIN", "*", PLAIN_B64], [PLAIN_B64]),
    (["AUTH LOGIN", USER_B64, "*", PASS_B64], [USER_B64, PASS_B64]),
    (["AUTH LOGIN", "*", USER_B64, PASS_B64], [USER_B64, PASS_B64]),
])
def test_a_credential_sent_after_a_cancelled_auth_is_masked_and_not_quoted(
        lines: list[str], pasted: list[str]) -> None:
    exchanges = send(greeted(CLEAR), *lines, "NOOP")
    assert "501" in {str(e.reply.code) for e in exchanges}
    assert all(e.secret for e in exchanges[:-1]) and not exchanges[-1].secret
    shown = everything_shown(exchanges)
    assert not any(secret[:6] in shown for secret in pasted), shown
    assert masked(exchanges[-1]).line == b"NOOP\r\n"


def test_a_student_s_page_token_shows_only_on_the_student_s_own_screen() -> None:
    """serve --web: the greeting names the student's page; a projected dashboard or a shared
    log must not let a classmate open it."""
    from simulator.protocol import Session
    from simulator.render.logline import format_exchange

    greeting = Session(watch_url="http://mx.example:8025/s/Zq3-x_9tok").greeting()
    shown = masked(greeting)
    assert shown.reply.lines[0].endswith("explained at http://mx.example:8025/s/****")
    assert masked(greeting, own=True) is greeting
    assert "Zq3-x_9tok" not in format_exchange("S1", "127.0.0.1:5", greeting)
    assert shown.reply.key == "session.greeting-watch" and shown.reply.code == 220
