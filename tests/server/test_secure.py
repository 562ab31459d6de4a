"""The TLS and AUTH options every face shares: what implies what, what a bad combination
says, and what ``prepare`` hands the server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from simulator.lessons.ui import option_text
from simulator.options.records import OptionError, SecurityOptions
from simulator.protocol import Policy
from simulator.protocol.auth import AppStyle
from simulator.server.secure import prepare, read_options
from simulator.server.tls import generated_certificate
from tests.hostile_files import NOT_FILES


def said(err: OptionError) -> tuple[str, str]:
    """What the user reads, in English and in Chinese."""
    return option_text(err, "en"), option_text(err, "zh")


def test_options_imply_each_other_and_bad_ones_say_what_to_do(tmp_path: Path) -> None:

    options = read_options(SecurityOptions(require_tls=True, users=("ann:pw",)))
    assert options == SecurityOptions(tls=True, auth=True, users=("ann:pw",),
                                      require_tls=True)
    with pytest.raises(OptionError) as caught:
        read_options(SecurityOptions(cert=Path("a.pem")))
    assert said(caught.value) == ("--cert and --key go together: name both files, or neither.",
                                  "--cert 和 --key 必须一起使用：要么两个文件都指定，要么都不指定。")
    with pytest.raises(OptionError) as caught:
        prepare(SecurityOptions(auth=True, users=("nopassword",)), Policy())
    assert caught.value.fields == {"user": "nopassword"}
    assert all("NAME:PASSWORD" in words for words in said(caught.value))
    with pytest.raises(OptionError) as caught:
        prepare(SecurityOptions(tls=True, cert=tmp_path / "x", key=tmp_path / "y"), Policy())
    en, zh = said(caught.value)
    assert en.startswith("cannot use the TLS certificate: --cert ")
    assert zh.startswith("无法使用 TLS 证书：--cert ")
    prepared = prepare(SecurityOptions(tls=True, auth=True), Policy(), directory=tmp_path)
    assert prepared.policy.tls and prepared.policy.auth and prepared.context is not None
    assert [a.name for a in prepared.accounts] == ["student"]


def test_a_tls_port_implies_tls() -> None:
    """(That it is a port is the command line's to check: tests/cli/test_values.py.)"""
    assert read_options(SecurityOptions(tls_port=2465)) == SecurityOptions(tls=True,
                                                                           tls_port=2465)
    assert read_options(SecurityOptions()) == SecurityOptions()


def test_an_app_password_account_gets_a_fresh_app_password() -> None:
    prepared = prepare(SecurityOptions(auth=True, users=("ann:web:app-password", "bob:pw")),
                       Policy())
    ann, bob = prepared.accounts
    assert (ann.name, ann.password, bob.name, bob.password) == ("ann", "web", "bob", "pw")
    assert ann.app_password is not None and len(ann.app_password) == 16
    assert ann.app_password.isalpha() and ann.app_password.islower()
    assert bob.app_password is None


def test_an_authorization_code_account_and_the_sender_login_check() -> None:
    options = read_options(SecurityOptions(
        users=("qq@example.com:web:authorization-code",), sender_login_match=True))
    assert options.auth and options.sender_login_match
    prepared = prepare(options, Policy())
    [qq] = prepared.accounts
    assert (qq.name, qq.password, qq.app_style) == ("qq@example.com", "web", AppStyle.QQ)
    assert qq.app_password is not None and prepared.policy.sender_login_match
    assert read_options(SecurityOptions(sender_login_match=True)).auth  # implies --auth
    assert not prepare(SecurityOptions(auth=True), Policy()).policy.sender_login_match


def test_without_tls_or_auth_the_policy_keeps_its_own_settings() -> None:
    prepared = prepare(SecurityOptions(), Policy(hostname="mx.example", max_recipients=5))
    assert prepared.context is None and prepared.fingerprint is None and prepared.accounts == ()
    assert (prepared.policy.hostname, prepared.policy.max_recipients) == ("mx.example", 5)
    assert not (prepared.policy.tls or prepared.policy.auth)


def _own(tmp_path: Path) -> tuple[Path, Path]:
    """A user's own certificate and key (copied from a generated pair)."""
    made = generated_certificate("own.example", tmp_path / "made")
    cert, key = tmp_path / "server.crt", tmp_path / "server.key"
    cert.write_bytes(made.cert.read_bytes())
    key.write_bytes(made.key.read_bytes())
    return cert, key


def _refusal(cert: Path, key: Path) -> str:
    started = time.monotonic()
    with pytest.raises(OptionError) as caught:
        prepare(SecurityOptions(tls=True, cert=cert, key=key), Policy())
    assert time.monotonic() - started < 10
    assert option_text(caught.value, "zh").startswith("无法使用 TLS 证书：")
    return option_text(caught.value, "en")


def test_a_users_own_certificate_is_used_as_given(tmp_path: Path) -> None:
    cert, key = _own(tmp_path)
    prepared = prepare(SecurityOptions(tls=True, cert=cert, key=key), Policy())
    assert prepared.files is not None and prepared.files.cert == cert and not prepared.generated


@pytest.mark.parametrize("which", ["cert", "key"])
def test_a_users_broken_file_is_named_with_what_to_do(tmp_path: Path, which: str) -> None:
    cert, key = _own(tmp_path)
    broken = cert if which == "cert" else key
    broken.write_bytes(b"not PEM at all\n")
    message = _refusal(cert, key)
    assert f"--{which} {broken}" in message
    assert ("PEM certificate" if which == "cert" else "PEM private key") in message


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_a_users_key_that_is_not_a_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    cert, key = _own(tmp_path)
    key.unlink()
    NOT_FILES[kind](key)
    assert f"--key {key}: not a regular file" in _refusal(cert, key)


def test_a_users_key_of_another_certificate_names_both(tmp_path: Path) -> None:
    cert, key = _own(tmp_path)
    other = generated_certificate("other.example", tmp_path / "other")
    key.write_bytes(other.key.read_bytes())
    message = _refusal(cert, key)
    assert f"--key {key}" in message and f"--cert {cert}" in message


def test_serve_says_a_remade_certificate(tmp_path: Path) -> None:
    from simulator.faces.serve.main import security_lines
    from simulator.lessons.ui import text

    first = prepare(SecurityOptions(tls=True), Policy(), directory=tmp_path)
    assert first.files is not None
    first.files.key.write_bytes(b"garbage")
    again = prepare(SecurityOptions(tls=True), Policy(), directory=tmp_path)
    assert again.files is not None and again.files.remade == "key.pem"
    for lang in ("en", "zh"):
        said = text("files.tls-remade", lang, file="key.pem", folder=again.files.cert.parent)
        assert said in security_lines(again, "127.0.0.1", [], lang)
