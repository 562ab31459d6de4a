"""The built-in server as a connection: each step holds exactly the replies its bytes caused,
read off the in-memory wire, and nothing is awaited that will not come."""

from __future__ import annotations

import trio
import trio.testing

from simulator.client.connection import Step
from simulator.client.local import LocalConnection
from simulator.protocol import Policy, State
from simulator.server import Timeouts
from simulator.server.store import MemoryStore
from tests.replies_reader import wire


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


def keys(step: Step) -> list[str]:
    return [a.exchange.reply.key if a.exchange else "?" for a in step.answers]


async def started(idle: float | None) -> LocalConnection:
    connection = LocalConnection(policy=Policy(), store=MemoryStore(),
                                 timeouts=Timeouts(idle=idle))
    await connection.start()
    return connection


async def test_the_421_of_an_idle_timeout_comes_first_in_the_next_step(
        autojump_clock: trio.testing.MockClock) -> None:
    connection = await started(idle=20)
    await connection.send(b"EHLO client.example\r\n")
    await trio.sleep(30)  # the server said 421 at 20 s; nobody was listening
    assert not connection.closed  # not known yet: the reply is still unread
    step = await connection.send(b"NOOP\r\n")
    assert keys(step) == ["session.timeout"]
    assert step.answers[0].wire == wire("session.timeout")
    assert (step.answers[0].code, step.answers[0].enhanced) == (421, "4.4.2")
    assert step.state_before is State.GREETED  # where the session was when it timed out
    assert connection.closed and connection.view().state is State.CLOSED
    assert (await connection.send(b"NOOP\r\n")).answers == ()
    await connection.aclose()


async def test_wait_unsolicited_returns_the_421_when_the_server_sends_it(
        autojump_clock: trio.testing.MockClock) -> None:
    connection = await started(idle=20)
    start = trio.current_time()
    with trio.fail_after(60):
        step = await connection.wait_unsolicited()
    assert trio.current_time() - start == 20
    assert step.sent is None and keys(step) == ["session.timeout"]
    assert step.state_before is State.CONNECTED
    assert connection.closed
    with trio.move_on_after(3600) as idle:  # closed: nothing more can come
        await connection.wait_unsolicited()
    assert idle.cancelled_caught
    await connection.aclose()


async def test_sends_beside_a_waiting_listener_keep_their_own_replies(
        autojump_clock: trio.testing.MockClock) -> None:
    connection = await started(idle=20)
    start = trio.current_time()
    heard: list[tuple[float, Step]] = []

    async def listen() -> None:
        step = await connection.wait_unsolicited()
        heard.append((trio.current_time(), step))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(listen)
        await trio.sleep(5)
        lines = (b"EHLO client.example\r\n", b"NOOP\r\n", b"RSET\r\n")
        steps = [await connection.send(line) for line in lines]  # one right after another
        assert [keys(step) for step in steps] == [
            ["session.ehlo"], ["session.noop"], ["session.rset"]]
        assert heard == []
    [(when, step)] = heard
    assert when - start == 25  # 20 s after the last line, not after the first
    assert keys(step) == ["session.timeout"] and connection.closed
    await connection.aclose()


async def test_without_timeouts_the_connection_waits_for_the_learner(
        autojump_clock: trio.testing.MockClock) -> None:
    connection = await started(idle=None)
    with trio.move_on_after(7 * 24 * 3600) as quiet:
        await connection.wait_unsolicited()
    assert quiet.cancelled_caught
    assert keys(await connection.send(b"NOOP\r\n")) == ["session.noop"]
    await connection.aclose()


async def test_a_dot_beside_a_bare_lf_is_text_and_no_reply_is_waited_for() -> None:
    """On a server that reads bare LFs as line ends (accept_bare_lf) a message still ends only
    at <CRLF>.<CRLF>: <CRLF>.<LF> and <LF>.<CRLF> are text (SMTP smuggling), so the console
    must not sit waiting for a reply to them."""
    store = MemoryStore()
    connection = LocalConnection(policy=Policy(accept_bare_lf=True), store=store)
    await connection.start()
    for line in (b"EHLO client.example\r\n", b"MAIL FROM:<a@example.org>\r\n",
                 b"RCPT TO:<b@example.net>\r\n", b"DATA\r\n", b"Hi\r\n"):
        await connection.send(line)
    with trio.fail_after(1):
        for text in (b".\n", b"MAIL FROM:<ceo@example.org>\r\n", b"again\n", b".\r\n"):
            assert (await connection.send(text)).answers == (), text
    done = await connection.send(b".\r\n")
    assert [a.code for a in done.answers] == [250]
    assert len(store.messages()) == 1
    await connection.aclose()
