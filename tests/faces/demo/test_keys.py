"""The presenter's keys: the controller on trio's fake clock, and the full-screen
application driven through prompt_toolkit's pipe input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import trio
import trio.testing
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from simulator.client.demoplayer import DemoPlayer, connection_factory
from simulator.client.demos import builtin_demo, demo_policy
from simulator.faces.demo.app import run_fullscreen
from simulator.faces.demo.controller import DemoController, Key
from simulator.render.demo import demo_screen
from simulator.render.fragments import to_plain

WIDTH, HEIGHT = 100, 60


def controller(name: str = "first-mail", *, lang: str = "en", pace: float = 3.0,
               autoplay: bool = False) -> DemoController:
    demo = builtin_demo(name)
    assert demo is not None
    policy = demo_policy(demo.script(lang).header)  # the demo's own server setup
    player = DemoPlayer(demo.script(lang), connection_factory(policy))
    return DemoController(demo, player, lang=lang, speed=20, pace=pace, autoplay=autoplay)


def screen(ctl: DemoController) -> str:
    return to_plain(demo_screen(ctl.view(), WIDTH, HEIGHT))


async def press(send: trio.MemorySendChannel[Key], *keys: Key) -> None:
    for key in keys:
        await send.send(key)
        await trio.testing.wait_all_tasks_blocked()


async def run_with(ctl: DemoController,
                   script: Callable[[trio.MemorySendChannel[Key]], object]) -> None:
    send, receive = trio.open_memory_channel[Key](100)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(ctl.run, receive)
        await trio.testing.wait_all_tasks_blocked()
        await script(send)  # type: ignore[misc]
        await press(send, Key.QUIT)


async def test_back_replays_to_exactly_the_screen_reached_going_forward(
        autojump_clock: trio.testing.MockClock) -> None:
    ctl = controller("221-vs-500")
    frames: dict[str, str] = {}

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        for _ in range(2):
            await press(send, Key.NEXT)
            await trio.sleep(5)  # typing at 20 chars/s
        frames["forward"] = screen(ctl)
        await press(send, Key.NEXT)
        await trio.sleep(5)
        frames["third"] = screen(ctl)
        await press(send, Key.BACK)
        frames["back"] = screen(ctl)

    await run_with(ctl, script)
    assert frames["back"] == frames["forward"] != frames["third"]
    assert "step 2/7" in frames["back"] and 'command "QUT" not recognized' in frames["back"]
    assert " -> NOOP" not in frames["back"]


async def test_a_line_is_typed_out_then_sent(autojump_clock: trio.testing.MockClock) -> None:
    ctl = controller()
    seen: list[str] = []

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        await send.send(Key.NEXT)
        await trio.sleep(0.26)  # five characters at 20 per second
        seen.append(screen(ctl))
        await trio.sleep(5)
        seen.append(screen(ctl))

    await run_with(ctl, script)
    assert " -> EHLO ▌" in seen[0] and "250-PIPELINING" not in seen[0]
    assert " -> EHLO client.example\n" in seen[1] and "250-PIPELINING" in seen[1]


async def test_space_while_typing_finishes_the_line_at_once(
        autojump_clock: trio.testing.MockClock) -> None:
    ctl = controller()

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        await send.send(Key.NEXT)
        await trio.sleep(0.1)
        await press(send, Key.NEXT)
        await trio.sleep(0.01)  # less than one character's time: the rest was not typed out
        assert ctl.player.done == 1 and " -> EHLO client.example\n" in screen(ctl)

    await run_with(ctl, script)


async def test_explanations_language_and_speed_keys(autojump_clock: trio.testing.MockClock,
                                                    ) -> None:
    ctl = controller()

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        await press(send, Key.EXPLANATIONS)
        assert "Why:" not in screen(ctl) and "press e to show them" in screen(ctl)
        await press(send, Key.EXPLANATIONS, Key.LANGUAGE)
        assert "原因：" in screen(ctl) and "第 0/6 步" in screen(ctl)
        await press(send, Key.FASTER)
        assert ctl.speed == 30
        await press(send, Key.SLOWER, Key.SLOWER)
        assert round(ctl.speed, 3) == round(20 / 1.5, 3)

    await run_with(ctl, script)


async def test_autoplay_steps_by_itself_and_stops_at_a_pause(
        autojump_clock: trio.testing.MockClock) -> None:
    ctl = controller(autoplay=True, pace=2.0)

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        await trio.sleep(60)
        assert ctl.player.done == 4 and ctl.waiting  # first-mail pauses before QUIT
        assert "autoplay paused here" in screen(ctl)
        await press(send, Key.NEXT)
        await trio.sleep(10)
        assert ctl.player.finished and "End of the demo" in screen(ctl)

    await run_with(ctl, script)


@pytest.mark.parametrize("width", [40, 60, 100])
async def test_the_pause_indicator_stays_on_a_narrow_projector(
        autojump_clock: trio.testing.MockClock, width: int) -> None:
    ctl = controller(autoplay=True, pace=2.0)

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        await trio.sleep(60)
        assert ctl.waiting
        header = to_plain(demo_screen(ctl.view(), width, HEIGHT)).splitlines()[0]
        assert "autoplay paused here" in header, header

    await run_with(ctl, script)


async def test_each_step_names_its_marker_as_it_begins(
        autojump_clock: trio.testing.MockClock) -> None:
    labels: list[str] = []
    ctl = controller("221-vs-500")
    ctl.on_step = labels.append

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        for _ in range(2):
            await press(send, Key.NEXT)
            await trio.sleep(5)
        await press(send, Key.BACK)  # a step back replays; it begins no new step

    await run_with(ctl, script)
    steps = ctl.demo.script("en").steps
    assert labels == [steps[0].marker(1), steps[1].marker(2)]
    assert labels[0].startswith("1. ") and labels[1].startswith("2. ")


async def wait_for(condition: Callable[[], bool]) -> None:
    with trio.fail_after(10):
        while not condition():
            await trio.sleep(0.01)


async def test_keys_through_the_full_screen_application() -> None:
    ctl = controller(pace=3.0)
    ctl.speed = 200.0
    with create_pipe_input() as pipe:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: run_fullscreen(ctl, input=pipe, output=DummyOutput()))
            await wait_for(lambda: ctl.player.greeting is not None)
            pipe.send_text(" ")
            await wait_for(lambda: ctl.player.done == 1 and ctl.view().typing is None)
            pipe.send_text("\r")
            await wait_for(lambda: ctl.player.done == 2 and ctl.view().typing is None)
            pipe.send_text("b")
            await wait_for(lambda: ctl.player.done == 1)
            pipe.send_text("el+")
            await wait_for(lambda: ctl.lang == "zh")
            assert not ctl.explanations and ctl.speed == 200.0
            pipe.send_text("q")
    assert ctl.player.done == 1


async def test_back_replays_a_scenario_demo_to_the_same_screen(
        autojump_clock: trio.testing.MockClock) -> None:
    ctl = controller("bounces")
    frames: dict[str, str] = {}

    async def script(send: trio.MemorySendChannel[Key]) -> None:
        for _ in range(5):  # through the greylisted recipient
            await press(send, Key.NEXT)
            await trio.sleep(5)
        frames["forward"] = screen(ctl)
        await press(send, Key.NEXT)
        await trio.sleep(5)
        await press(send, Key.BACK)
        frames["back"] = screen(ctl)

    await run_with(ctl, script)
    assert frames["back"] == frames["forward"] and "451 4.7.1" in frames["back"]
