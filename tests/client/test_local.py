"""The built-in server as a connection: each step holds exactly the replies its bytes caused,
read off the in-memory wire, and nothing is awaited that will not come."""

from __future__ import annotations

import trio

from simulator.client import LocalConnection
from simulator.protocol import Policy, State
from simulator.server.store import MemoryStore


async def test_a_whole_session_step_by_step() -> None:
    store = MemoryStore()
    connection = LocalConnection(policy=Policy(), store=store)
    greeting = await connection.start()
    assert greeting.sent is None
    assert [a.code for a in greeting.answers] == [220]
    assert greeting.answers[0].wire.startswith(b"220 ") and greeting.answers[0].wire.endswith(b"\r\n")
    ehlo = await connection.send(b"EHLO client.example\r\n")
    assert [a.code for a in ehlo.answers] == [250]
    assert ehlo.answers[0].wire.count(b"\r\n") == len(ehlo.answers[0].lines) > 1
    for line in (b"MAIL FROM:<a@example.org>\r\n", b"RCPT TO:<b@example.net>\r\n"):
        assert [a.code for a in (await connection.send(line)).answers] == [250]
    assert [a.code for a in (await connection.send(b"DATA\r\n")).answers] == [354]
    assert connection.view().state is State.DATA
    with trio.fail_after(1):  # message text gets no reply, and none is waited for
        text = await connection.send(b"Subject: hi\r\n")
    assert text.answers == ()
    done = await connection.send(b".\r\n")
    assert [a.enhanced for a in done.answers] == ["2.0.0"]
    assert len(store.messages()) == 1 and connection.view().accepted == 1
    bye = await connection.send(b"QUIT\r\n")
    assert [a.code for a in bye.answers] == [221]
    assert connection.closed and connection.view().state is State.CLOSED
    late = await connection.send(b"NOOP\r\n")
    assert late.answers == ()  # nothing is sent on a closed connection
    await connection.aclose()


async def test_pipelined_lines_give_one_step_with_every_reply_in_order() -> None:
    connection = LocalConnection(policy=Policy(), store=MemoryStore())
    await connection.start()
    step = await connection.send(b"EHLO a.example\r\nNOOP\r\nRSET\r\nBOGUS\r\n")
    assert [a.code for a in step.answers] == [250, 250, 250, 500]
    assert [a.exchange.reply.key for a in step.answers if a.exchange][-1] == \
        "syntax.unknown-command"
    await connection.aclose()
