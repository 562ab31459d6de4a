"""While a real server (``--connect``) has not answered yet: a live prompt that says so.

The send runs on trio; meanwhile a prompt runs in a worker thread (as every prompt does), so
the terminal stays in prompt_toolkit's hands: keys are not echoed raw, the toolbar stays, and
Ctrl-C (the key, or SIGINT in the instant before the prompt takes the terminal) stops
waiting without leaving the console. Each line typed meanwhile (ended with Enter) is kept
and sent after the reply, in order, as its own line; the rest becomes the start of the next
prompt. A send that fails (no connection) ends the prompt and its error is raised as is.
Nothing is printed while the prompt runs: the transcript is written after it.
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
from prompt_toolkit.keys import Keys

from simulator.lessons.ui import text

from .mouse import guard_mouse

T = TypeVar("T")
STOP = "\x03"
"""The waiting prompt's result when Ctrl-C stopped the wait."""


def waiting_bindings(typed_line: Callable[[str], None]) -> KeyBindings:
    """Ctrl-C stops waiting; Enter hands the line typed so far to ``typed_line`` (it is sent
    after the reply, as its own line, as the built-in console would); a pasted block is
    handed over line by line. Ctrl-D does nothing while waiting."""
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _stop(event: KeyPressEvent) -> None:
        event.app.exit(result=STOP)

    @bindings.add("enter")
    def _hold(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        typed_line(buffer.text)
        buffer.reset()

    @bindings.add("c-d")
    def _ignore_eof(event: KeyPressEvent) -> None:
        return None

    @bindings.add(Keys.BracketedPaste)
    def _paste(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        data = event.data.replace("\r\n", "\n").replace("\r", "\n")
        *lines, rest = (buffer.text + data).split("\n")
        for line in lines:
            typed_line(line)
        buffer.text = rest
        buffer.cursor_position = len(rest)

    return guard_mouse(bindings)


class Waiter:
    """Runs one awaited send with the waiting prompt over it."""

    def __init__(self, make_session: Callable[[KeyBindings], PromptSession[str]],
                 lang: Callable[[], str]) -> None:
        """``make_session``: the waiting prompt, given its key bindings."""
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._session = make_session(waiting_bindings(self._typed_line))
        self._lang = lang
        self._answered = False
        self.typed = ""
        """What was typed while waiting after the last Enter (the next prompt starts with it)."""
        self.key = "console.waiting"
        """What the waiting prompt says (a :pause says it is pausing)."""

    def take_lines(self) -> list[str]:
        """The lines typed (ended with Enter) while waiting, oldest first; they are the
        caller's now."""
        with self._lock:
            lines = self._lines[:]
            self._lines.clear()
        return lines

    def _typed_line(self, line: str) -> None:
        """In the prompt's thread: Enter while waiting."""
        with self._lock:
            self._lines.append(line)

    @property
    def being_typed(self) -> str:
        """The line at the waiting prompt now, not yet ended with Enter (what the learner
        sees after the waiting sentence)."""
        return self._session.default_buffer.text

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
        failed: list[Exception] = []
        done = trio.Event()
        sending = trio.CancelScope()

        async def _send() -> None:
            try:
                with sending:
                    result.append(await send())
            except Exception as err:  # raised again below as it is, not in the nursery's group
                failed.append(err)
            finally:  # whatever happened, the waiting prompt goes away
                self._stop_prompt()
                done.set()

        async def _prompt() -> None:
            if await trio.to_thread.run_sync(self._prompt) == STOP:
                sending.cancel()
                done.set()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(_send)
            nursery.start_soon(_prompt)
            if threading.current_thread() is threading.main_thread():
                nursery.start_soon(self._stop_on_sigint, sending, done)
            await done.wait()
            nursery.cancel_scope.cancel()  # waits for the prompt's thread to end
        if failed:
            raise failed[0]
        return result[0] if result else None

    async def _stop_on_sigint(self, sending: trio.CancelScope, done: trio.Event) -> None:
        """SIGINT in the instant before the prompt takes the terminal stops waiting too."""
        with trio.open_signal_receiver(signal.SIGINT) as signals:
            async for _ in signals:
                sending.cancel()
                self._stop_prompt()
                done.set()

    def _prompt(self) -> str:
        """In the worker thread: STOP when Ctrl-C stopped the wait."""
        def _started() -> None:
            with self._lock:
                if self._answered and not self._session.app.is_done:
                    self._session.app.exit(result="")

        try:
            outcome = self._session.prompt(self.message, pre_run=_started, default=self.typed,
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
