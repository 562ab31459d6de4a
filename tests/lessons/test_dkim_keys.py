"""A teacher's own DKIM keys (``[dkim]`` of a scenario file): a key whose public half is the
zone's ``p=`` signs what verifies; a mismatching, missing or hostile key file is refused at
load, naming the file, the name and what to do."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from simulator.client.dkimsign import lab_signer
from simulator.lessons.scenarios import check_file, load_scenario
from simulator.server.dkimcheck import verify
from tests import wording
from tests.hostile_files import fifo, folder, zero
from tests.lessons.scenario_files import write

NAME = "s1._domainkey.school.example"
TEXT = b"From: ann@school.example\r\nSubject: report\r\n\r\nHello.\r\n"
PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


def new_key(kind: str) -> PrivateKey:
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=1024 if kind == "rsa" else 2048)


def pem(key: PrivateKey, legacy: bool = False) -> bytes:
    form = (serialization.PrivateFormat.TraditionalOpenSSL if legacy
            else serialization.PrivateFormat.PKCS8)
    return key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption())


def record(key: PrivateKey) -> str:
    """The DKIM TXT record of ``key``'s public half (RFC 6376 §3.6.1, RFC 8463 §4)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
        return f"v=DKIM1; k=ed25519; p={base64.b64encode(raw).decode()}"
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"


def scenario_text(published: PrivateKey, key_path: str = "keys/s1.pem") -> str:
    return (f'[dns]\n"{NAME}" = {{ TXT = ["{record(published)}"] }}\n'
            f'[dkim]\n"{NAME}" = "{key_path}"\n')


def teacher(tmp_path: Path, key: PrivateKey, published: PrivateKey | None = None,
            legacy: bool = False) -> str:
    (tmp_path / "keys").mkdir(exist_ok=True)
    (tmp_path / "keys" / "s1.pem").write_bytes(pem(key, legacy))
    return write(tmp_path, scenario_text(published or key))


@pytest.mark.parametrize(("kind", "legacy"), [("rsa", False), ("rsa", True), ("rsa2048", False),
                                              ("ed25519", False)])
def test_a_teachers_own_key_signs_what_the_zone_verifies(tmp_path: Path, kind: str,
                                                         legacy: bool) -> None:
    scenario = load_scenario(teacher(tmp_path, new_key(kind), legacy=legacy))
    signer = lab_signer("S1", "School.Example.", scenario.dkim_keys)
    assert signer is not None and (signer.selector, signer.domain) == ("s1", "school.example")
    signed = signer.sign(TEXT)
    assert [(r.result, r.domain) for r in verify(signed, scenario.zone)] == [
        ("pass", "school.example")]
    tampered = dataclasses.replace(signer, tamper=True).sign(TEXT)
    assert [r.result for r in verify(tampered, scenario.zone)] == ["fail"]


def test_a_teachers_key_beside_a_base_keeps_the_lab_key(tmp_path: Path) -> None:
    path = teacher(tmp_path, new_key("ed25519"))
    Path(path).write_text('base = "realistic"\n' + Path(path).read_text())
    scenario = load_scenario(path)
    assert lab_signer("s1", "school.example", scenario.dkim_keys) is not None
    lab = lab_signer("s1", "example.org", scenario.dkim_keys)
    assert lab is not None and [r.result for r in verify(lab.sign(
        b"From: a@example.org\r\n\r\nhi\r\n"), scenario.zone)] == ["pass"]


@pytest.mark.parametrize("kind", ["rsa", "ed25519"])
def test_a_key_that_does_not_match_the_zone_is_refused_at_load(tmp_path: Path,
                                                               kind: str) -> None:
    found = check_file(teacher(tmp_path, new_key(kind), published=new_key(kind)))
    assert len(found) == 1 and f"dkim.'{NAME}'" in found[0], found
    assert wording.says(found[0], "zone.dkim-mismatch", path=tmp_path / "keys" / "s1.pem", name=NAME)


def test_a_mismatch_is_said_in_chinese(tmp_path: Path) -> None:
    found = check_file(teacher(tmp_path, new_key("rsa"), published=new_key("rsa")), lang="zh")
    assert len(found) == 1, found
    assert wording.says(found[0], "zone.dkim-mismatch", "zh", path=tmp_path / "keys" / "s1.pem", name=NAME)


def test_a_key_with_no_record_is_refused(tmp_path: Path) -> None:
    path = teacher(tmp_path, new_key("rsa"))
    Path(path).write_text(f'[dkim]\n"{NAME}" = "keys/s1.pem"\n')
    found = check_file(path)
    assert len(found) == 1
    assert wording.says(found[0], "zone.dkim-no-record", name=NAME, path=tmp_path / "keys" / "s1.pem")


@pytest.mark.parametrize(("make", "says"), [
    (fifo, "not a regular file"), (zero, "not a regular file"), (folder, "not a regular file"),
    (lambda p: p.write_bytes(b"hello") or p, "is not an unencrypted PEM RSA or Ed25519"),
    (lambda p: p, "cannot read the key file"),
])
def test_a_hostile_or_wrong_key_file_is_refused_at_once(tmp_path: Path, make: object,
                                                        says: str) -> None:
    assert callable(make)
    make(tmp_path / "s1.pem")
    found = check_file(write(tmp_path, scenario_text(new_key("rsa"), "s1.pem")))
    assert len(found) == 1 and f"dkim.'{NAME}'" in found[0] and says in found[0], found
    assert "s1.pem" in found[0]


@pytest.mark.parametrize(("table", "says"), [
    ('dkim = "keys/s1.pem"', "as a [dkim] table"),
    ('[dkim]\n"school.example" = "keys/s1.pem"', "not a DKIM key's name"),
    (f'[dkim]\n"{NAME}" = 3', "write the path of a PEM private key file"),
])
def test_a_bad_dkim_table_is_refused(tmp_path: Path, table: str, says: str) -> None:
    found = check_file(write(tmp_path, table + "\n"))
    assert len(found) == 1 and says in found[0], found
