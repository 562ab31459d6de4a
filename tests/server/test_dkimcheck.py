"""DKIM verified with the zone's keys (dkimpy, no DNS): signed, tampered and unsigned mail,
in the engine and end to end over TCP with smtplib, the DMARC verdict following."""

from __future__ import annotations

import smtplib

import dkim
import trio

from simulator.lessons.load import data_root
from simulator.lessons.scenarios import load_scenario
from simulator.protocol import Policy
from simulator.protocol.zone import zone_of
from simulator.server.dkimcheck import verify, with_dkim
from tests.smtp_client import GUARD, running_server

REALISTIC = load_scenario("realistic")
LAB_KEY = (data_root() / "dkim" / "s1._domainkey.example.org.pem").read_bytes()
TEXT = b"From: Ann <ann@example.org>\r\nTo: bob@example.com\r\nSubject: report\r\n\r\nHello.\r\n"


def signed(text: bytes = TEXT) -> bytes:
    signature = dkim.sign(text, b"s1", b"example.org", LAB_KEY,
                          include_headers=[b"from", b"to", b"subject"])
    return bytes(signature) + text


def tampered() -> bytes:
    return signed().replace(b"Subject: report", b"Subject: rep0rt")


def test_a_signature_made_with_the_lab_key_verifies_against_the_zone() -> None:
    [result] = verify(signed(), REALISTIC.zone)
    assert (result.result, result.domain, result.selector) == ("pass", "example.org", "s1")


def test_one_changed_character_fails_and_unsigned_mail_has_no_verdict() -> None:
    assert [r.result for r in verify(tampered(), REALISTIC.zone)] == ["fail"]
    assert verify(TEXT, REALISTIC.zone) == ()


def test_a_key_missing_from_the_zone_or_a_broken_signature_never_raises() -> None:
    assert [r.result for r in verify(signed(), zone_of({}))] == ["fail"]
    junk = b"DKIM-Signature: v=1; a=rsa-sha256; d=example.org; b=!!\r\n" + TEXT
    assert [r.result for r in verify(junk, REALISTIC.zone)] == ["permerror"]
    assert verify(b"\xff\x00 not a message", REALISTIC.zone) == ()


def test_only_a_scenario_with_a_zone_gets_the_verifier() -> None:
    assert with_dkim(Policy()).dkim is None
    assert with_dkim(Policy(scenario=REALISTIC)).dkim is verify


def send_three(port: int) -> dict[str, tuple[int, bytes]]:
    """The same message signed, tampered and unsigned, from a MAIL FROM without SPF, so that
    only DKIM can align with the header From: example.org (p=reject)."""
    answers = {}
    with smtplib.SMTP("127.0.0.1", port, timeout=GUARD) as client:
        client.ehlo("client.example")
        for name, text in (("signed", signed()), ("tampered", tampered()), ("unsigned", TEXT)):
            client.mail("ann@example.net")
            client.rcpt("bob@example.com")
            try:
                answers[name] = client.data(text)
            except smtplib.SMTPDataError as refused:
                answers[name] = (refused.smtp_code, refused.smtp_error)
    return answers


async def test_signed_tampered_and_unsigned_over_tcp() -> None:
    async with running_server(policy=Policy(scenario=REALISTIC)) as server:
        answers = await trio.to_thread.run_sync(send_three, server.port)
        stored = [m.message.content for m in server.store.messages()]
    assert answers["signed"][0] == 250
    assert answers["tampered"][:1] == answers["unsigned"][:1] == (550,)
    assert answers["tampered"][1].startswith(b"5.7.26 Unauthenticated mail with From: example.org")
    [kept] = stored
    assert b"dkim=pass header.d=example.org header.s=s1" in kept
    assert b"dmarc=pass (p=reject) header.from=example.org" in kept
    assert b"spf=none smtp.mailfrom=example.net (client 127.0.0.1)" in kept
