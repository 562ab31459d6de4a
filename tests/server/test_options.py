"""The cap on connections per client address: on by default only beyond loopback."""

from __future__ import annotations

import pytest

from simulator.server.options import MAX_PER_CLIENT, per_client_limit


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "school.example"])
def test_a_server_reachable_from_other_machines_caps_each_client_at_50(host: str) -> None:
    assert per_client_limit(host, None) == MAX_PER_CLIENT == 50


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_on_loopback_the_classroom_is_one_machine_so_there_is_no_cap(host: str) -> None:
    assert per_client_limit(host, None) == 0


@pytest.mark.parametrize(("host", "given"), [("127.0.0.1", 3), ("0.0.0.0", 7), ("0.0.0.0", 0)])
def test_a_cap_given_is_the_cap_wherever_the_server_listens(host: str, given: int) -> None:
    assert per_client_limit(host, given) == given
