"""The waiting prompt over a send to a real server: what it says, and its keys."""

from __future__ import annotations

import pytest
import trio
from prompt_toolkit import PromptSession
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import DummyOutput

from simulator.faces.shell.waiting import Waiter, waiting_bindings


async def test_the_waiting_prompt_says_what_it_waits_for() -> None:
    from prompt_toolkit import PromptSession

    from simulator.faces.shell.waiting import Waiter

    waiter = Waiter(lambda bindings: PromptSession(key_bindings=bindings), lambda: "zh")
    assert "Ctrl-C" in "".join(t for _, t in waiter.message())
    assert "正在等待服务器回复" in "".join(t for _, t in waiter.message())


def test_ctrl_c_enter_ctrl_d_and_paste_are_bound_while_waiting() -> None:
    keys = {binding.keys for binding in waiting_bindings(lambda line: None).bindings}
    assert keys == {(Keys.ControlC,), (Keys.ControlM,), (Keys.ControlD,),
                    (Keys.BracketedPaste,), (Keys.Vt100MouseEvent,)}  # malformed: ignored


def waiter_on(pipe: PipeInput) -> Waiter:
    return Waiter(lambda bindings: PromptSession(input=pipe, output=DummyOutput(),
                                                 key_bindings=bindings), lambda: "en")


@pytest.mark.parametrize("error", [ConnectionRefusedError(111, "Connection refused"),
                                   OSError("no route")])
async def test_a_send_that_fails_ends_the_prompt_and_its_error_comes_out_whole(
        error: OSError) -> None:
    async def send() -> None:
        await trio.sleep(0.05)
        raise error

    with create_pipe_input() as pipe, trio.fail_after(10):
        waiter = waiter_on(pipe)
        with pytest.raises(OSError) as raised:  # not an ExceptionGroup around it
            await waiter.run(send)
        assert raised.value is error
        assert not waiter.waiting


async def test_lines_typed_while_waiting_are_kept_each_on_its_own() -> None:
    with create_pipe_input() as pipe, trio.fail_after(10):
        waiter = waiter_on(pipe)

        async def send() -> str:
            pipe.send_text("NOOP\rRSET\r\x1b[200~HELP\nVRFY x\nEX\x1b[201~PN")
            while waiter.being_typed != "EXPN":
                await trio.sleep(0.01)
            return "reply"

        assert await waiter.run(send) == "reply"
    assert waiter.take_lines() == ["NOOP", "RSET", "HELP", "VRFY x"]
    assert waiter.typed == "EXPN"  # no Enter yet: the next prompt starts with it
    assert waiter.take_lines() == []
