"""The prompt both the console and the course run in: prompt_toolkit, its key bindings, the loop.

trio owns the main thread; each prompt runs in a worker thread
(``trio.to_thread.run_sync``), so the in-process server keeps running on trio while the
learner types. The loop is strictly: prompt -> send -> show replies -> prompt, so printing
never races the prompt. A reply the built-in server sends on its own while the learner is
at the prompt (the idle timeout's 421) is watched for on trio beside it: it ends that
prompt (keeping what was typed), is shown like any reply, and a new prompt follows.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from typing import Any, Final, TextIO

import trio
from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.filters import completion_is_selected
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style

from simulator.client.connection import Step
from simulator.client.local import LocalConnection
from simulator.faces.prompt.completion import CompletionContext, SmtpCompleter
from simulator.faces.prompt.lexer import INPUT_STYLE, SmtpLexer
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.detail import Explaining
from simulator.faces.shell.guide import Guide
from simulator.faces.shell.lines import handle_line, open_console, prompt_for
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.meta import KNOWN, SPECS, is_meta
from simulator.faces.shell.metacmds import say_goodbye
from simulator.faces.shell.mouse import guard_mouse
from simulator.faces.shell.pager import Pager
from simulator.faces.shell.settings import history_path
from simulator.faces.shell.terminal import Live
from simulator.faces.shell.toolbar import toolbar_fragments
from simulator.faces.shell.waiting import Waiter
from simulator.lessons.ui import text
from simulator.protocol import State
from simulator.protocol.escape import show_text

TOOLBAR_STYLE: Final = (
    ("bottom-toolbar", "noreverse bg:#303030 #d0d0d0"),
    ("toolbar.value", "bold"),
    ("toolbar.data", "bg:ansiyellow ansiblack bold"),
    ("toolbar.closed", "bg:ansired ansiwhite bold"),
    ("prompt", "bold"),
    ("prompt.data", "ansiyellow bold"),
    ("prompt.closed", "ansired"),
)


def key_bindings(pasted: Callable[[str], None]) -> KeyBindings:
    """Ctrl-C clears the line (it never kills the console); Ctrl-D keeps its EOF meaning;
    Enter with a completion highlighted accepts it; a paste of several lines is handed to
    ``pasted`` whole (each line is then sent on its own, as if typed)."""
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _clear(event: KeyPressEvent) -> None:
        event.current_buffer.reset()

    @bindings.add("enter", filter=completion_is_selected)
    def _accept_completion(event: KeyPressEvent) -> None:
        event.current_buffer.complete_state = None

    bindings.add(Keys.BracketedPaste)(lambda event: _paste(event, pasted))
    return guard_mouse(bindings)


def _paste(event: KeyPressEvent, pasted: Callable[[str], None]) -> None:
    """A paste of one line is typed in; of several, the lines are submitted (``pasted``
    keeps what follows the last line break for the next prompt)."""
    data = event.data.replace("\r\n", "\n").replace("\r", "\n")
    buffer = event.current_buffer
    if "\n" not in data:
        buffer.insert_text(data)
        return
    document = buffer.document
    whole = document.text_before_cursor + data + document.text_after_cursor
    lines, _, rest = whole.rpartition("\n")
    pasted(rest)
    buffer.text = lines
    buffer.validate_and_handle()


class ConsoleHistory(History):
    """The prompt's history, minus what is not worth recalling: message text (typed in
    DATA) and whole multi-line pastes (their command lines are added one by one)."""

    def __init__(self, inner: History, keep: Callable[[str], bool]) -> None:
        super().__init__()
        self.inner = inner
        self._keep = keep

    def load_history_strings(self) -> Iterable[str]:
        return self.inner.load_history_strings()

    def store_string(self, string: str) -> None:
        if "\n" not in string and self._keep(string):
            self.inner.append_string(string)

    def add(self, line: str) -> None:
        """A command line that came in a paste."""
        if line.strip():
            self.inner.append_string(line)


def _history() -> History:
    try:
        return FileHistory(str(history_path()))
    except OSError:
        return InMemoryHistory()


class _Woken(Exception):
    """Ends a prompt because the server said something unasked (never leaves the console)."""


def console_style() -> Style:
    from simulator.render.fragments import STYLE

    rules = dict(STYLE)
    rules.update(INPUT_STYLE)
    rules.update(TOOLBAR_STYLE)
    return Style.from_dict(rules)


class Console:
    """One console run: a prompt session over the :class:`ConsoleContext` it makes (with the
    live prompt's parts: the waiting prompt, the pager)."""

    def __init__(self, settings: ConsoleSettings, out: TextIO, *, guide: Guide | None = None,
                 told: Explaining | None = None, input: Input | None = None,
                 output: Output | None = None, history: History | None = None) -> None:
        """A console started with ``settings``, writing on ``out``; ``guide`` and ``told``
        as for :class:`ConsoleContext`; ``input``, ``output`` and ``history`` are the
        prompt's (a terminal's by default)."""
        self._leftover = ""
        """The part of a paste after its last line break: the next prompt starts with it."""
        self._wake = threading.Event()
        """Set (on trio) when the server spoke unasked: the prompt ends, the reply is shown."""
        self._arrived: Step | None = None
        self.history = ConsoleHistory(history if history is not None else _history(),
                                      lambda _: not self.ctx.in_data)
        depth = None if settings.color else ColorDepth.DEPTH_1_BIT

        def session(bindings: KeyBindings, **more: Any) -> PromptSession[str]:
            return PromptSession(input=input, output=output, key_bindings=bindings,
                                 style=console_style(), color_depth=depth,
                                 erase_when_done=True, **more)

        def pager_session(bindings: KeyBindings) -> PromptSession[bool]:
            return PromptSession(input=input, output=output, key_bindings=bindings,
                                 style=console_style(), erase_when_done=True, color_depth=depth)

        live = self._live(session, pager_session, connecting=settings.connect_to is not None)
        self.ctx = ConsoleContext(settings, out, guide=guide, told=told, live=live)
        self.prompt_session: PromptSession[str] = session(
            key_bindings(self._pasted),
            history=self.history,
            auto_suggest=AutoSuggestFromHistory(),
            completer=SmtpCompleter(self._completion_context),
            lexer=SmtpLexer(lambda: self.ctx.in_data, (*KNOWN, *self._guide_names())),
            bottom_toolbar=self.toolbar,
            complete_while_typing=False,
        )

    def _live(self, session: Callable[..., PromptSession[str]],
              pager_session: Callable[[KeyBindings], PromptSession[bool]], *,
              connecting: bool) -> Live:
        """The live prompt's parts: the pager, the :pause wait, and (with --connect) the wait
        for a slow server, each a prompt of its own (Ctrl-C stops the waiting)."""
        self.waiter = Waiter(lambda bindings: session(bindings, bottom_toolbar=self.toolbar),
                             lambda: self.ctx.lang)
        waiter = self.waiter
        return Live(pager=Pager(lambda page: self.ctx.show(page, wrap=False),
                                lambda: self.ctx.lang, pager_session),
                    pauser=lambda wait: waiter.run(wait, "console.paused-waiting"),
                    waiter=waiter.run if connecting else None)

    def _guide_names(self) -> tuple[str, ...]:
        guide = self.ctx.guide
        return () if guide is None else tuple(f":{spec.name}" for spec in guide.specs)

    def _completion_context(self) -> CompletionContext:
        ctx = self.ctx
        addresses = [*ctx.senders, *ctx.recipients, "alice@example.org", "bob@example.net"]
        metas = SPECS if ctx.guide is None else (*SPECS, *ctx.guide.specs)
        return CompletionContext(ctx.in_data, tuple(dict.fromkeys(addresses)),
                                 senders=tuple(ctx.senders), recipients=tuple(ctx.recipients),
                                 lang=ctx.lang, metas=metas)

    def toolbar(self) -> StyleAndTextTuples:
        """The session's line; with a guide, its line (the lesson, the step) above it."""
        ctx = self.ctx
        connect_to = ctx.settings.connect_to
        peer = "" if connect_to is None else "{}:{}".format(*connect_to)
        width = self.prompt_session.app.output.get_size().columns
        line: StyleAndTextTuples = list(toolbar_fragments(
            ctx.view(), lang=ctx.lang, eol=ctx.eol, raw=ctx.raw, peer=peer, width=width))
        if ctx.guide is None:
            return line
        guide: StyleAndTextTuples = list(ctx.guide.toolbar(ctx.screen, width))
        if ctx.guide.done and ctx.closed:  # Enter is the guide's now, not a reconnect
            return guide
        return [*guide, ("", "\n"), *line]

    def _message(self) -> StyleAndTextTuples:
        state = self.ctx.view().state
        style = {State.DATA: "class:prompt.data", State.CLOSED: "class:prompt.closed"}
        return [(style.get(state, "class:prompt"), prompt_for(self.ctx))]

    def _pasted(self, rest: str) -> None:
        self._leftover = rest

    def _read(self) -> str:
        """Runs in a worker thread: one prompt, one line or a pasted block (EOFError on
        Ctrl-D)."""
        ahead = self.waiter.take_lines()
        if ahead:  # typed while a reply was awaited: each line as if typed at a prompt
            return "\n".join(ahead)
        default, self._leftover = self._leftover, ""
        default, self.waiter.typed = default + self.waiter.typed, ""
        # Not prompt_toolkit's own handler: it prints "Unhandled exception" and waits for
        # Enter; here a failure of the input path is reported and a fresh prompt follows.
        return self.prompt_session.prompt(self._message, default=default,
                                          set_exception_handler=False,
                                          pre_run=self._exit_if_woken)

    def _exit_if_woken(self) -> None:
        """In the prompt's thread: end the prompt if the server has spoken, keeping the
        line typed so far for the next one (also run as the prompt starts, in case the
        reply came before it did)."""
        app = self.prompt_session.app
        if self._wake.is_set() and app.is_running and not app.is_done:
            self._leftover = app.current_buffer.text
            app.exit(exception=_Woken())

    async def _prompt(self) -> str | None:
        """One prompt, with the server watched meanwhile; None when a reply the server sent
        unasked ended it (that reply is shown; prompt again). A reply that came while a line
        was being entered is shown before the line is sent."""
        self._wake.clear()
        self._arrived = None
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._watch)
            try:
                typed: str | Exception = await trio.to_thread.run_sync(self._read)
            except Exception as err:  # Ctrl-D, a wake, a bug: raised once the watch is over
                typed = err
            nursery.cancel_scope.cancel()
        if self._arrived is not None:
            self.ctx.record(self._arrived)
        if isinstance(typed, _Woken):
            return None
        if isinstance(typed, Exception):
            raise typed
        return typed

    async def _watch(self) -> None:
        """On trio, beside the prompt: wait for the built-in server to speak unasked, then
        end the prompt (from its own thread's event loop, the only safe way in)."""
        connection = self.ctx.link.connection
        if not isinstance(connection, LocalConnection) or connection.closed:
            return
        try:
            self._arrived = await connection.wait_unsolicited()
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            return  # the session is gone: the next line says so, as without the watch
        self._wake.set()
        loop = self.prompt_session.app.loop
        if loop is not None:  # not yet running: the prompt's pre_run sees the wake
            with contextlib.suppress(RuntimeError):  # that prompt's loop has just closed
                loop.call_soon_threadsafe(self._exit_if_woken)

    async def run(self) -> int:
        """Greeting, then lines until Ctrl-D or :quit. Returns the exit status."""
        ctx = self.ctx
        try:
            if not await open_console(ctx) and ctx.settings.connect_to is None:
                return 1  # over --connect the prompt stays: Enter or :reconnect tries again
            while True:
                try:
                    typed = await self._prompt()
                except EOFError:
                    await say_goodbye(ctx, by_key=True)
                    return 0
                except Exception as err:  # a bug in the input path: report it, prompt again
                    self._internal_error(err)
                    continue
                if typed is not None and await self.lines(typed):
                    return 0
        finally:
            await ctx.close()

    async def lines(self, typed: str) -> bool:
        """Each line of what was typed or pasted, in order, as if typed one by one."""
        pasted = "\n" in typed
        for line in typed.split("\n"):
            if pasted and not self.ctx.in_data and not is_meta(line):
                self.history.add(line)
            if await self.guarded(line):
                return True
        return False

    async def guarded(self, line: str) -> bool:
        """:meth:`handle`, but a bug never ends the learner's session: it is reported and
        the console goes on (the connection is replaced if it broke)."""
        try:
            return await self.handle(line)
        except Exception as err:  # the last line of defence: report, do not crash
            self._internal_error(err)
            if self.ctx.link.connection is not None and self.ctx.closed:
                self.ctx.say("closed", "class:code.4xx")
            return False

    def _internal_error(self, err: Exception) -> None:
        shown = show_text(repr(err), limit=300)
        self.ctx.show([("class:code.5xx",
                        text("app.internal-error", self.ctx.lang, error=shown) + "\n")])

    async def handle(self, line: str) -> bool:
        """Act on one typed line; True means leave (see :func:`handle_line`)."""
        return await handle_line(self.ctx, line)
