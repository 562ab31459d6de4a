"""The TLS and AUTH options every face shares: what implies what, what a bad combination
says, and what ``prepare`` hands the server."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from simulator.protocol import Policy
from simulator.server.secure import OptionError, SecurityOptions, prepare, read_options


def test_options_imply_each_other_and_bad_ones_say_what_to_do(tmp_path: Path) -> None:

    options = read_options(argparse.Namespace(require_tls=True, user=["ann:pw"]))
    assert options == SecurityOptions(tls=True, auth=True, users=("ann:pw",),
                                      require_tls=True)
    with pytest.raises(OptionError, match="--cert and --key go together"):
        read_options(argparse.Namespace(cert="a.pem"))
    with pytest.raises(OptionError, match="NAME:PASSWORD"):
        prepare(SecurityOptions(auth=True, users=("nopassword",)), Policy())
    with pytest.raises(OptionError, match="cannot use the TLS certificate"):
        prepare(SecurityOptions(tls=True, cert=tmp_path / "x", key=tmp_path / "y"), Policy())
    prepared = prepare(SecurityOptions(tls=True, auth=True), Policy(), directory=tmp_path)
    assert prepared.policy.tls and prepared.policy.auth and prepared.context is not None
    assert [a.name for a in prepared.accounts] == ["student"]


def test_a_tls_port_implies_tls_and_must_be_a_port() -> None:
    assert read_options(argparse.Namespace(tls_port=2465)) == SecurityOptions(tls=True,
                                                                              tls_port=2465)
    with pytest.raises(OptionError, match="--tls-port must be between 0 and 65535, not 70000"):
        read_options(argparse.Namespace(tls_port=70000))
    assert read_options(argparse.Namespace()) == SecurityOptions()


def test_an_app_password_account_gets_a_fresh_app_password() -> None:
    prepared = prepare(SecurityOptions(auth=True, users=("ann:web:app-password", "bob:pw")),
                       Policy())
    ann, bob = prepared.accounts
    assert (ann.name, ann.password, bob.name, bob.password) == ("ann", "web", "bob", "pw")
    assert ann.app_password is not None and len(ann.app_password) == 16
    assert ann.app_password.isalpha() and ann.app_password.islower()
    assert bob.app_password is None


def test_without_tls_or_auth_the_policy_keeps_its_own_settings() -> None:
    prepared = prepare(SecurityOptions(), Policy(hostname="mx.example", max_recipients=5))
    assert prepared.context is None and prepared.fingerprint is None and prepared.accounts == ()
    assert (prepared.policy.hostname, prepared.policy.max_recipients) == ("mx.example", 5)
    assert not (prepared.policy.tls or prepared.policy.auth)
