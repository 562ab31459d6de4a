"""Lessons 19-29 played as a learner who does not know the answers (issue 22's review): the
roads such a learner takes, piped into ``smtp-sim learn``, and what the screen says on them.
Each test is one thing the first version of these lessons got wrong: a text untrue of the
reply just shown, a hint that ignored the learner's last mistake, a step met on a road that
cannot lead on."""

from __future__ import annotations

from pathlib import Path

from tests.faces.learn.test_piped import learn
from tests.wording import tick

LOGIN = "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"  # student, secret
TEXT = ["DATA", "Subject: Hi", "", "Hello.", "."]
PORT_25 = [":connect smtp.example.org:25", "EHLO client.example", "MAIL FROM:<student@example.org>",
           "RCPT TO:<bob@example.com>"]  # lesson 20's step 1, so that its later steps' hints show


def script(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_relay_refusal_on_a_lab_host_does_not_offer_the_domain_it_refused(home: Path) -> None:
    """The fix of rcpt.relay-denied named example.com as this server's domain, on the very
    host (smtp.example.org, an MX of nothing) that had just refused bob@example.com, and its
    why said the built-in server's name (smtp-sim.localhost) for the host :connect opened."""
    for lang, says in (("en", "you asked smtp.example.org to take mail"),
                       ("zh", "请 smtp.example.org 接收邮件")):
        out = learn("submission-ports", "--lang", lang, stdin=script(*PORT_25), home=home / lang).stdout
        assert "<** 554 5.7.1 <bob@example.com>: Relay access denied" in out
        refusal = out[out.index("<** 554"):]
        assert says in refusal and ":dig MX" in refusal and "smtp-sim.localhost" not in refusal
        assert "realistic scenario: example.com" not in out and "在 realistic 场景中：" not in out
    # the list of domains is the console's own server's: the lab host's are its MX domains
    en = learn("submission-ports", stdin=script(*PORT_25), home=home / "again").stdout
    assert "built-in server takes example.com" not in en
    assert "a lab host that :connect opens takes only the domains whose MX it is" in en


def test_starttls_on_port_465_is_already_active_and_the_hint_says_why(home: Path) -> None:
    """On 465 STARTTLS got 502 "not implemented ... start smtp-sim with --tls", although TLS
    was on; now 503 "already active", and the step's hint speaks to it."""
    lines = [*PORT_25, ":connect smtp.example.org:587", "EHLO client.example", "MAIL FROM:<a@b.c>",
             "STARTTLS", "EHLO client.example", LOGIN, "MAIL FROM:<student@example.org>",
             "RCPT TO:<bob@example.com>", *TEXT,
             ":connect smtp.example.org:465", "EHLO client.example", "starttls", ":hint"]
    out = learn("submission-ports", stdin=script(*lines), home=home).stdout
    assert "<** 503 5.5.1 Bad sequence of commands: TLS is already active" in out
    refusal = out[out.index(" -> starttls"):]
    assert "not implemented" not in refusal and "--tls" not in refusal
    assert "Port 465 is encrypted from the first byte" in out


def test_auth_right_after_starttls_gets_a_hint_about_the_new_ehlo(home: Path) -> None:
    lines = [*PORT_25, ":connect smtp.example.org:587", "EHLO client.example",
             "MAIL FROM:<a@example.org>", "STARTTLS", LOGIN, ":hint"]
    out = learn("submission-ports", stdin=script(*lines), home=home).stdout
    assert "<** 503 5.5.1 Bad sequence of commands: send EHLO or HELO first" in out
    assert "which makes the server forget the earlier EHLO" in out
    assert tick(2) in out


def test_app_password_logged_in_too_early_is_told_to_reconnect(home: Path) -> None:
    lines = ["EHLO client.example", "STARTTLS", "EHLO client.example",
             "AUTH PLAIN AHFxAHdlYjEyMw==", "AUTH PLAIN AHFxAGFiY2RhYmNkYWJjZGFiY2Q=",
             "AUTH PLAIN AGdtYWlsAHdlYjEyMw==", ":hint"]
    result = learn("app-password", "--lang", "zh", stdin=script(*lines), home=home)
    assert result.returncode == 1
    out = result.stdout
    assert "<** 503 5.5.1 Bad sequence of commands: already authenticated" in out
    assert "本会话已经登录，只接受一次 AUTH。输入 :reconnect" in out
    assert "✓ 第 2 步完成" not in out


def test_sender_mismatch_second_mail_without_rset_gets_a_hint(home: Path) -> None:
    lines = ["EHLO client.example", "STARTTLS", "EHLO client.example",
             "AUTH PLAIN AHN0dWRlbnRAZXhhbXBsZS5jb20Ac2VjcmV0", "MAIL FROM:<student@example.com>",
             "MAIL FROM:<teacher@example.com>", ":hint"]
    out = learn("sender-mismatch", stdin=script(*lines), home=home).stdout
    assert "sender already given" in out and tick(2) not in out
    assert "a message has one sender. Type RSET, then MAIL FROM:<teacher@example.com>" in out


def test_envelope_with_no_blind_copy_is_told_why_and_a_bcc_line_counts(home: Path) -> None:
    one = ["EHLO client.example", "MAIL FROM:<a@example.org>", "RCPT TO:<bob@example.net>",
           "DATA", "From: a@example.org", "To: bob@example.net", "", "Hi", ".", ":hint"]
    out = learn("envelope-vs-header", stdin=script(*one), home=home / "one").stdout
    assert "✓ Step" not in out and "Accepted, but no blind copy" in out
    bcc = ["EHLO client.example", "MAIL FROM:<a@example.org>", "RCPT TO:<bob@example.net>",
           "RCPT TO:<carol@example.net>", "DATA", "To: bob@example.net",
           "Bcc: carol@example.net", "", "Hi", "."]
    assert tick(1) in learn("envelope-vs-header", stdin=script(*bcc), home=home / "bcc").stdout


def test_dkim_off_for_the_aligned_message_is_told_to_keep_it_broken(home: Path) -> None:
    send = ["MAIL FROM:<news@example.com>", "RCPT TO:<bob@example.net>", "DATA",
            "From: alice@example.org", "", "x", "."]
    lines = ["EHLO client.example", ":dkim sign s1 example.org", *send, ":dkim tamper", *send,
             ":dkim off", "MAIL FROM:<alice@example.org>", *send[1:], ":hint"]
    result = learn("dkim-and-dmarc", stdin=script(*lines), home=home)
    assert result.returncode == 1
    out = result.stdout
    assert tick(2) in out and tick(3) not in out
    assert "the signature was not broken this time" in out


def test_a_bounce_lesson_sent_from_the_null_sender_does_not_tick(home: Path) -> None:
    """MAIL FROM:<> is accepted, but no bounce is ever sent to <> (RFC 5321 §6.1): step 1
    ticked and the hint then said a bounce was in the mailbox, which was empty."""
    null = ["EHLO client.example", "MAIL FROM:<>", "RCPT TO:<gone@example.com>", *TEXT,
            ":mailbox", ":hint"]
    result = learn("reading-a-bounce", stdin=script(*null), home=home / "null")
    assert result.returncode == 1
    out = result.stdout
    assert "<-  250 2.0.0 OK: message accepted" in out and tick(1) not in out
    assert "1 message," in out  # no bounce came back
    assert "no bounce is ever sent to it (RFC 5321 §6.1)" in out
    own = ["EHLO client.example", "MAIL FROM:<me@gmail.com>", "RCPT TO:<gone@example.com>",
           *TEXT, ":answer gone@example.com", ":answer 550", ":answer no"]
    assert learn("reading-a-bounce", stdin=script(*own), home=home / "own").returncode == 0
