"""The in-process stream pair behaves like the two ends of a connection."""

from __future__ import annotations

import subprocess
import sys

import pytest
import trio

from simulator.server.memstream import stream_pair


async def test_bytes_flow_both_ways_and_respect_max_bytes() -> None:
    a, b = stream_pair()
    await a.send_all(b"EHLO x\r\n")
    assert await b.receive_some(4) == b"EHLO"
    assert await b.receive_some() == b" x\r\n"
    await b.send_all(b"250 ok\r\n")
    assert await a.receive_some(100) == b"250 ok\r\n"


async def test_close_is_end_of_stream_for_the_peer() -> None:
    a, b = stream_pair()
    await a.send_all(b"QUIT\r\n")
    await a.aclose()
    assert await b.receive_some() == b"QUIT\r\n"
    assert await b.receive_some() == b""
    with pytest.raises(trio.BrokenResourceError):
        await b.send_all(b"221 bye\r\n")


async def test_receiver_waits_for_data() -> None:
    a, b = stream_pair()
    got: list[bytes] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: _collect(b, got))
        await trio.testing.wait_all_tasks_blocked()
        assert got == []
        await a.send_all(b"NOOP\r\n")
    assert got == [b"NOOP\r\n"]


async def _collect(stream: trio.abc.Stream, got: list[bytes]) -> None:
    got.append(await stream.receive_some())


def test_console_session_does_not_import_pytest() -> None:
    code = ("import sys, trio, simulator.server as s\n"
            "async def main():\n"
            "    async with s.open_local_session() as local:\n"
            "        assert (await local.client.receive_some()).startswith(b'220 ')\n"
            "trio.run(main)\n"
            "print('pytest' in sys.modules, 'trio.testing' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


async def test_keeps_the_trio_stream_contract() -> None:
    async def maker() -> tuple[trio.abc.Stream, trio.abc.Stream]:
        return stream_pair()

    # No clogged maker: a memory channel cannot say when a full buffer gets room, so
    # wait_send_all_might_not_block is only a checkpoint (allowed: "might" not block).
    await trio.testing.check_two_way_stream(maker, None)
