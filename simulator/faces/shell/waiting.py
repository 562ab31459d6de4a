"""While a real server (``--connect``) has not answered yet: a live prompt that says so.

The send runs on trio; meanwhile a prompt runs in a worker thread (as every prompt does), so
the terminal stays in prompt_toolkit's hands: keys are not echoed raw, the toolbar stays, and
Ctrl-C (the key, or SIGINT in the instant before the prompt takes the terminal) stops
waiting without leaving the console. Whatever was typed meanwhile becomes the start of the
next prompt. Nothing is printed while the prompt runs: the transcript is written after it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

import trio
from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from simulator.lessons.ui import text

T = TypeVar("T")
STOP = "\x03"
"""The waiting prompt's result when Ctrl-C stopped the wait."""


def waiting_bindings() -> KeyBindings:
    """Ctrl-C stops waiting; Enter does nothing yet (the line waits for the reply)."""
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _stop(event: KeyPressEvent) -> None:
        event.app.exit(result=STOP)

    @bindings.add("enter")
    def _hold(event: KeyPressEvent) -> None:
        return None

    @bindings.add("c-d")
    def _ignore_eof(event: KeyPressEvent) -> None:
        return None

    return bindings


class Waiter:
    """Runs one awaited send with the waiting prompt over it."""

    def __init__(self, session: PromptSession[str], lang: Callable[[], str]) -> None:
        self._session = session
        self._lang = lang
        self._lock = threading.Lock()
        self._answered = False
        self.typed = ""
        """What was typed while waiting (the next prompt starts with it)."""
        self.key = "console.waiting"
        """What the waiting prompt says (a :pause says it is pausing)."""

    @property
    def waiting(self) -> bool:
        """Whether the waiting prompt is on screen."""
        return self._session.app.is_running

    def message(self) -> StyleAndTextTuples:
        return [("class:dim", text(self.key, self._lang()) + " ")]

    async def run(self, send: Callable[[], Awaitable[T]], key: str = "console.waiting",
                  ) -> T | None:
        """``send()``'s result, or None when the learner pressed Ctrl-C first."""
        self._answered = False
        self.key = key
        result: list[T] = []
        done = trio.Event()
        sending = trio.CancelScope()

        async def _send() -> None:
            with sending:
                result.append(await send())
            self._stop_prompt()
            done.set()

        async def _prompt() -> None:
            if await trio.to_thread.run_sync(self._prompt) == STOP:
                sending.cancel()
                done.set()

        async def _sigint() -> None:
            with trio.open_signal_receiver(signal.SIGINT) as signals:
                async for _ in signals:
                    sending.cancel()
                    self._stop_prompt()
                    done.set()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(_send)
            nursery.start_soon(_prompt)
            if threading.current_thread() is threading.main_thread():
                nursery.start_soon(_sigint)
            await done.wait()
            nursery.cancel_scope.cancel()  # waits for the prompt's thread to end
        return result[0] if result else None

    def _prompt(self) -> str:
        """In the worker thread: STOP when Ctrl-C stopped the wait."""
        def _started() -> None:
            with self._lock:
                if self._answered and not self._session.app.is_done:
                    self._session.app.exit(result="")

        try:
            outcome = self._session.prompt(self.message, pre_run=_started,
                                           set_exception_handler=False)
        except Exception:  # a broken waiting prompt must not lose the reply
            outcome = ""
        self.typed = self._session.default_buffer.text
        return outcome

    def _stop_prompt(self) -> None:
        with self._lock:
            self._answered = True
            app = self._session.app
            loop = app.loop
            if app.is_running and loop is not None:
                loop.call_soon_threadsafe(
                    lambda: None if app.is_done else app.exit(result=""))
