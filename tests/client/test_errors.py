"""Connection failures read as sentences, in the chosen language."""

from __future__ import annotations

import pytest
import trio

from simulator.client.errors import connect_error
from simulator.lessons.ui import text


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "cannot connect to 127.0.0.1:1: connection refused (is a server running there?)"),
    ("zh", "无法连接到 127.0.0.1:1：连接被拒绝（那里有服务器在运行吗？）"),
])
async def test_a_refused_connection(lang: str, said: str) -> None:
    with pytest.raises(OSError) as caught:
        await trio.open_tcp_stream("127.0.0.1", 1)
    assert connect_error(caught.value, "127.0.0.1:1", lang) == said


async def test_an_unknown_host() -> None:
    with pytest.raises(OSError) as caught:
        await trio.open_tcp_stream("no-such-host.invalid", 25)
    assert connect_error(caught.value, "x:25", "en") == text(
        "connect.cannot", "en", peer="x:25", reason=text("connect.unknown-host", "en"))
