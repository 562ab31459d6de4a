"""The projector's full screen: a prompt_toolkit application drawing the controller's frames.

trio owns the main thread and runs the :class:`DemoController`; the application runs in a
worker thread with its own event loop. Keys cross to trio on a channel; frames are drawn
from ``controller.view()`` whenever the controller says something changed (``invalidate``
is thread-safe and coalesces redraws).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Final

import trio
from prompt_toolkit.application import Application
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style

from simulator.render.demo import DEMO_STYLE, demo_screen
from simulator.render.fragments import STYLE

from .controller import DemoController, Key

KEYS: Final = {
    " ": Key.NEXT, "enter": Key.NEXT, "right": Key.NEXT,
    "left": Key.BACK, "b": Key.BACK,
    "p": Key.AUTOPLAY, "e": Key.EXPLANATIONS, "+": Key.FASTER, "=": Key.FASTER,
    "-": Key.SLOWER, "l": Key.LANGUAGE, "q": Key.QUIT, "c-c": Key.QUIT,
}
"""Real keys and what they ask for (``=`` is ``+`` without Shift)."""


def demo_style() -> Style:
    return Style([*STYLE.items(), *DEMO_STYLE])


def build_app(controller: DemoController, press: Callable[[Key], None], *,
              input: Input | None = None, output: Output | None = None,
              color: bool = True) -> Application[None]:
    """The application: one window holding the whole frame."""
    bindings = KeyBindings()
    for name, key in KEYS.items():
        def pressed(event: KeyPressEvent, key: Key = key) -> None:
            del event
            press(key)

        bindings.add(name)(pressed)
    app: Application[None] = Application(
        layout=Layout(Window(FormattedTextControl(lambda: frame()), wrap_lines=False)),
        key_bindings=bindings, full_screen=True, style=demo_style(), input=input,
        output=output, color_depth=None if color else ColorDepth.DEPTH_1_BIT,
        min_redraw_interval=0.02, mouse_support=False,
        refresh_interval=0.5)  # a resized window (SIGWINCH goes to the main thread) redraws

    def frame() -> StyleAndTextTuples:
        size = app.output.get_size()
        return list(demo_screen(controller.view(), size.columns, size.rows))

    return app


async def run_fullscreen(controller: DemoController, *, input: Input | None = None,
                         output: Output | None = None, color: bool = True) -> None:
    """Show the demo full screen until q; the controller runs on trio meanwhile."""
    token = trio.lowlevel.current_trio_token()
    send, receive = trio.open_memory_channel[Key](64)

    def press(key: Key) -> None:  # called in the application's thread
        with contextlib.suppress(trio.WouldBlock, trio.ClosedResourceError,
                                 trio.BrokenResourceError, trio.RunFinishedError):
            trio.from_thread.run_sync(send.send_nowait, key, trio_token=token)

    app = build_app(controller, press, input=input, output=output, color=color)
    controller.on_change = app.invalidate

    def leave() -> None:
        loop = app.loop
        if app.is_running and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: app.exit() if app.is_running else None)

    async def control() -> None:
        try:
            await controller.run(receive)
        finally:
            leave()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(control)
        await trio.to_thread.run_sync(lambda: app.run(handle_sigint=False))
        nursery.cancel_scope.cancel()
