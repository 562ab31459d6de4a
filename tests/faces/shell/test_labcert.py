"""The certificate a lab server presents: made once a process per hostname, in a private
temporary folder when the home cannot be written, carrying the policy it serves."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.faces.shell import labcert
from simulator.faces.shell.course import replay
from simulator.lessons.course import Check, Goal, Setup, missing_goals
from simulator.protocol import Policy
from simulator.server import secure
from tests.lessons.course.sample import lesson


def test_an_unwritable_data_directory_still_gets_a_certificate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """lessons check replays the TLS lessons even where the home cannot be written."""
    real = secure.with_certificate
    folders: list[object] = []

    def refusing(policy: object, files: object = None, *, directory: object = None) -> object:
        folders.append(directory)
        if directory is None:
            raise secure.OptionError("cannot use the TLS certificate: read-only")
        return real(policy, directory=directory)  # type: ignore[arg-type]

    monkeypatch.setattr(secure, "with_certificate", refusing)
    monkeypatch.setattr(labcert, "_CERTIFICATES", {})
    target = lesson(Goal("tls", Check(keys=("tls.ready",))), setup=Setup(tls="offered"))
    played = replay(target, ["EHLO c.example", "STARTTLS", "EHLO c.example"])
    assert missing_goals(target, played.progress) == ()
    assert folders[0] is None and folders[1] is not None


def test_a_certificate_is_made_once_per_hostname_and_carries_the_policy_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = secure.with_certificate

    def counting(policy: Policy, files: object = None, *, directory: object = None) -> object:
        made.append(policy.hostname)
        return real(policy)

    monkeypatch.setattr(secure, "with_certificate", counting)
    monkeypatch.setattr(labcert, "_CERTIFICATES", {})
    first = labcert.certificate_for(Policy(hostname="mx.lab.example"))
    other = dataclasses.replace(Policy(hostname="mx.lab.example"), max_recipients=3)
    again = labcert.certificate_for(other)
    assert made == ["mx.lab.example"]
    assert first.policy.hostname == "mx.lab.example" and again.policy == other
