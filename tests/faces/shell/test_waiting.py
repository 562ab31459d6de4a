"""The waiting prompt over a send to a real server: what it says, and its keys."""

from __future__ import annotations

from prompt_toolkit.keys import Keys

from simulator.faces.shell.waiting import waiting_bindings


async def test_the_waiting_prompt_says_what_it_waits_for() -> None:
    from prompt_toolkit import PromptSession

    from simulator.faces.shell.waiting import Waiter

    waiter = Waiter(PromptSession(), lambda: "zh")
    assert "Ctrl-C" in "".join(t for _, t in waiter.message())
    assert "正在等待服务器回复" in "".join(t for _, t in waiter.message())


def test_ctrl_c_enter_and_ctrl_d_are_bound_while_waiting() -> None:
    keys = {binding.keys for binding in waiting_bindings().bindings}
    assert keys == {(Keys.ControlC,), (Keys.ControlM,), (Keys.ControlD,)}
