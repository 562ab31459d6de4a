"""Listening addresses: loopback or not, and their URL form."""

from __future__ import annotations

from simulator.server.addresses import is_loopback, url_host


def test_loopback_and_url_helpers() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    assert url_host("::1") == "[::1]" and url_host("127.0.0.1") == "127.0.0.1"
