"""Sizes for people, in binary units."""

from __future__ import annotations

import pytest

from simulator.render.sizes import binary_size


@pytest.mark.parametrize(("octets", "shown"), [
    (0, "0 B"), (1023, "1023 B"), (1024, "1 KiB"), (1536, "1.5 KiB"), (12 * 1024 + 300, "12 KiB"),
    (256 * 1024 * 1024, "256 MiB"), (3 * 1024**4, "3 TiB"), (5 * 1024**5, "5120 TiB")])
def test_binary_size(octets: int, shown: str) -> None:
    assert binary_size(octets) == shown
