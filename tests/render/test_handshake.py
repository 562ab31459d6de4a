"""What a transcript says after STARTTLS: the handshake, the certificate, a refusal; in the
reader's language, with the server's words escaped."""

from __future__ import annotations

import datetime

from simulator.client.connection import Step
from simulator.client.tls import CertificateInfo, TlsInfo
from simulator.render.handshake import text, tls_fragments

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
UNTRUSTED = CertificateInfo(subject="CN=mail.example", issuer="CN=Some CA",
                            not_before=START, not_after=START + datetime.timedelta(days=90),
                            trusted=False, problem="self-signed\x1b[2J")


def shown(step: Step, lang: str = "en") -> list[str]:
    return "".join(text for _, text in tls_fragments(step, lang)).splitlines()


def test_no_handshake_says_nothing() -> None:
    assert shown(Step(b"NOOP\r\n", ())) == []


def test_an_untrusted_certificate_is_described_and_warned_about() -> None:
    step = Step(b"STARTTLS\r\n", (), tls=TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", UNTRUSTED))
    lines = shown(step)
    assert lines[0] == text("established", "en", version="TLSv1.3",
                            cipher="TLS_AES_128_GCM_SHA256")
    assert lines[1] == text("certificate", "en", subject="CN=mail.example", issuer="CN=Some CA",
                            start="2026-01-01", end="2026-04-01")
    assert lines[2] == text("untrusted", "en", problem="self-signed\\x1b[2J")  # escaped
    assert shown(step, "zh")[0] == text("established", "zh", version="TLSv1.3",
                                        cipher="TLS_AES_128_GCM_SHA256")


def test_a_refusal_says_why_escaped() -> None:
    lines = shown(Step(b"STARTTLS\r\n", (), tls_refused="unknown CA\r\n250 fake"))
    assert len(lines) == 1  # the server's CR LF cannot start a line of its own
    assert lines[0] == text("refused", "en", problem="unknown CA\\r\\n250 fake")
