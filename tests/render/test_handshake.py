"""What a transcript says after STARTTLS: the handshake, the certificate, a refusal; in the
reader's language, with the server's words escaped."""

from __future__ import annotations

import datetime

from simulator.client.connection import Step
from simulator.client.tls import CertificateInfo, TlsInfo
from simulator.render.handshake import tls_fragments

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
    assert lines[0].startswith("TLS established: TLSv1.3, TLS_AES_128_GCM_SHA256.")
    assert lines[1] == ("Server certificate: subject CN=mail.example; issuer CN=Some CA; "
                        "valid from 2026-01-01 until 2026-04-01.")
    assert lines[2].startswith("Warning: the system does not trust this certificate "
                               "(self-signed\\x1b[2J)")
    assert shown(step, "zh")[0].startswith("TLS 已建立：TLSv1.3")


def test_a_refusal_says_why_escaped() -> None:
    lines = shown(Step(b"STARTTLS\r\n", (), tls_refused="unknown CA\r\n250 fake"))
    assert len(lines) == 1  # the server's CR LF cannot start a line of its own
    assert lines[0].startswith("TLS refused: unknown CA\\r\\n250 fake.")
