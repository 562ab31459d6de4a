"""The lab's named hosts: which names and ports ``:connect`` and ``--connect`` play in-process,
and the server each one is (its name, its domains, what its port demands)."""

from __future__ import annotations

import pytest

from simulator.client.labhosts import Refusal, Target, lab_policy, lab_target, named_host
from simulator.lessons.scenarios import from_options
from simulator.protocol import Policy
from simulator.protocol.zone import EMPTY

ZONE = from_options("realistic").zone
BASE = Policy(scenario=from_options("realistic"))


@pytest.mark.parametrize(("given", "target"), [
    ("mx1.campus.example", Target("mx1.campus.example", 25)),
    ("MX2.Campus.Example.", Target("mx2.campus.example", 25)),
    ("smtp.example.org:587", Target("smtp.example.org", 587)),
    ("smtp.example.org:465", Target("smtp.example.org", 465)),
    ("mx.example.org:25", Target("mx.example.org", 25)),
])
def test_a_host_of_the_zone_is_played(given: str, target: Target) -> None:
    assert lab_target(ZONE, given) == target


@pytest.mark.parametrize(("given", "key"), [
    ("nowhere.example", "connect-unknown"),
    ("mx3.campus.example:587", "connect-unknown"),
    ("bad..name", "connect-unknown"),
    ("campus.example", "connect-no-address"),  # a domain with MX records only
    ("nomail.example", "connect-no-address"),  # the null MX: no host at all
    ("mx1.campus.example:2525", "connect-bad-port"),
    ("mx1.campus.example:0", "connect-bad-port"),
    ("mx1.campus.example:smtp", "connect-bad-port"),
    ("smtp.example.org:", "connect-bad-port"),
])
def test_anything_else_is_refused_with_its_reason(given: str, key: str) -> None:
    refused = lab_target(ZONE, given)
    assert isinstance(refused, Refusal) and refused.key == key


def test_without_a_zone_there_is_no_lab_host() -> None:
    assert lab_target(EMPTY, "mx1.campus.example") == Refusal("connect-no-zone", {})


def test_port_25_is_an_mx_of_exactly_its_domains() -> None:
    policy = lab_policy(BASE, Target("mx2.campus.example", 25))
    assert policy.hostname == "mx2.campus.example"
    assert policy.scenario.local_domains == ("campus.example",)  # a backup MX takes it too
    assert (policy.tls, policy.require_tls, policy.auth, policy.implicit_tls) == (
        True, False, False, False)
    submission = lab_policy(BASE, Target("smtp.example.org", 25))
    assert submission.scenario.local_domains == ()  # no MX of anything: relays for nobody


def test_587_wants_starttls_then_auth() -> None:
    policy = lab_policy(BASE, Target("smtp.example.org", 587))
    assert (policy.tls, policy.require_tls, policy.auth, policy.require_auth) == (
        True, True, True, True)
    assert not policy.implicit_tls


def test_465_is_tls_from_the_first_byte_then_auth() -> None:
    policy = lab_policy(BASE, Target("smtp.example.org", 465))
    assert policy.implicit_tls and policy.auth and policy.require_auth
    assert not policy.tls  # RFC 8314 §3.3: no STARTTLS on a connection that is TLS already


def test_the_base_accounts_and_limits_are_kept() -> None:
    base = Policy(scenario=BASE.scenario, max_message_size=1234)
    assert lab_policy(base, Target("smtp.example.org", 587)).max_message_size == 1234


def test_connect_names_a_lab_host_or_a_real_one() -> None:
    assert named_host(ZONE, "smtp.example.org", 587) == Target("smtp.example.org", 587)
    assert named_host(ZONE, "localhost", 2525) is None  # a real server: unchanged
    assert named_host(ZONE, "mx1.campus.example", 2525) == Refusal(
        "connect-bad-port", {"port": "2525", "host": "mx1.campus.example"})
    hint = named_host(EMPTY, "mx1.campus.example", 25)
    assert hint == Refusal("connect-lab-hint", {"host": "mx1.campus.example"})
    assert named_host(EMPTY, "mail.example.net", 25) is None
