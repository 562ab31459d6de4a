"""The learner's signer: the lab key verifies against the realistic zone; tampering breaks it."""

from __future__ import annotations

import pytest

from simulator.client.dkimsign import key_path, lab_signer
from simulator.lessons.scenarios import load_scenario
from simulator.server.dkimcheck import verify

ZONE = load_scenario("realistic").zone
TEXT = b"From: ann@example.org\r\nSubject: report\r\n\r\nHello.\r\n"


def test_the_lab_key_signs_what_the_zone_verifies() -> None:
    signer = lab_signer("S1", "Example.org.")
    assert signer is not None and (signer.selector, signer.domain) == ("s1", "example.org")
    signed = signer.sign(TEXT)
    assert signed.startswith(b"DKIM-Signature: v=1;") and signed.endswith(TEXT)
    assert [r.result for r in verify(signed, ZONE)] == ["pass"]


@pytest.mark.parametrize(("text", "changed"), [
    (TEXT, b"Subject: report!\r\n"),
    (b"From: ann@example.org\r\n\r\nHello.\r\n", b"\r\nHello.!\r\n"),
])
def test_tampering_changes_one_character_after_signing(text: bytes, changed: bytes) -> None:
    signer = lab_signer("s1", "example.org")
    assert signer is not None
    import dataclasses

    tampered = dataclasses.replace(signer, tamper=True).sign(text)
    assert changed in tampered
    assert [r.result for r in verify(tampered, ZONE)] == ["fail"]


@pytest.mark.parametrize(("selector", "domain"), [
    ("s2", "example.org"), ("s1", "yahoo.com"), ("../../etc", "passwd"), ("s1", "a b"),
])
def test_no_key_no_signer(selector: str, domain: str) -> None:
    assert key_path(selector, domain) is None and lab_signer(selector, domain) is None
