"""The console's screen: written at once without a live prompt; with one, long output goes
to the pager, a send and a :pause wait under it, and what is said meanwhile waits until the
waiting prompt is gone. The live parts are given when the screen is made, never later."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Awaitable, Callable

import pytest

from simulator.client.connection import Step
from simulator.faces.shell.screen import Fragments
from simulator.faces.shell.terminal import Live, Terminal
from simulator.lessons.ui import text
from simulator.protocol import State


def quiet(out: io.StringIO, lang: str = "en") -> Terminal:
    return Terminal(out, lang, lambda: False)


async def test_without_a_live_prompt_everything_is_shown_at_once() -> None:
    out = io.StringIO()
    screen = quiet(out, "zh")
    await screen.page([("", "line\n")] * 60)
    screen.tell([("", "said\n")])
    assert out.getvalue() == "line\n" * 60 + "said\n"
    screen.say("reconnected")
    assert out.getvalue().endswith(text("console.reconnected", "zh") + "\n")
    sent = Step(b"NOOP\r\n", (), State.GREETED)

    async def send() -> Step:
        return sent

    assert await screen.wait(send, "console.waiting") is sent
    assert not screen.waits_live


async def test_a_live_screen_pages_and_holds_what_is_said_while_waiting() -> None:
    out = io.StringIO()
    paged: list[Fragments] = []
    keys: list[str] = []

    async def pager(fragments: Fragments) -> None:
        paged.append(fragments)

    async def pauser(wait: Callable[[], Awaitable[Step | None]]) -> Step | None:
        return await wait()

    async def waiter(send: Callable[[], Awaitable[Step]], key: str = "") -> Step | None:
        keys.append(key)
        screen.tell([("", "retrying\n")])  # said while the waiting prompt is up
        assert out.getvalue() == ""
        return None  # the learner pressed Ctrl-C

    screen = Terminal(out, "en", lambda: False, live=Live(pager, pauser, waiter))
    with pytest.raises(dataclasses.FrozenInstanceError):
        screen.live.waiter = None  # type: ignore[misc, union-attr]
    await screen.page([("", "long\n")])
    assert paged == [[("", "long\n")]] and out.getvalue() == ""

    async def send() -> Step:
        raise AssertionError("the waiter decides")

    assert await screen.wait(send, "console.connecting") is None
    assert keys == ["console.connecting"] and out.getvalue() == "retrying\n"
