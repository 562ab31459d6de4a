"""Connection failures read as sentences, in the chosen language."""

from __future__ import annotations

import pytest
import trio

from simulator.client.errors import connect_error
from simulator.lessons.ui import text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_refused_connection(lang: str) -> None:
    with pytest.raises(OSError) as caught:
        await trio.open_tcp_stream("127.0.0.1", 1)
    assert connect_error(caught.value, "127.0.0.1:1", lang) == text(
        "connect.cannot", lang, peer="127.0.0.1:1", reason=text("connect.refused", lang))


async def test_an_unknown_host() -> None:
    with pytest.raises(OSError) as caught:
        await trio.open_tcp_stream("no-such-host.invalid", 25)
    assert connect_error(caught.value, "x:25", "en") == text(
        "connect.cannot", "en", peer="x:25", reason=text("connect.unknown-host", "en"))
