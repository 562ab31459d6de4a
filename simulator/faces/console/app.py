"""The console's face: the prompt_toolkit prompt, its key bindings, and the main loop.

trio owns the main thread; each prompt runs in a worker thread
(``trio.to_thread.run_sync``), so the in-process server keeps running on trio while the
learner types. The loop is strictly: prompt -> send -> show replies -> prompt, so printing
never races the prompt.
"""

from __future__ import annotations

import argparse
import sys
from typing import Final

import trio
from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style

from simulator.faces.console.completion import CompletionContext, SmtpCompleter
from simulator.faces.console.context import ConsoleContext, encode_line
from simulator.faces.console.lexer import INPUT_STYLE, SmtpLexer
from simulator.faces.console.meta import is_known_meta, is_meta, parse_meta
from simulator.faces.console.metacmds import run_meta, say_goodbye
from simulator.faces.console.settings import choose_lang, history_path
from simulator.faces.console.toolbar import toolbar_fragments
from simulator.protocol import Policy, State
from simulator.protocol.escape import show_bytes
from simulator.render.terminal import wants_color

PROMPTS: Final = {State.DATA: "data> ", State.CLOSED: "closed> "}
TOOLBAR_STYLE: Final = (
    ("bottom-toolbar", "noreverse bg:#303030 #d0d0d0"),
    ("toolbar.value", "bold"),
    ("toolbar.data", "bg:ansiyellow ansiblack bold"),
    ("toolbar.closed", "bg:ansired ansiwhite bold"),
    ("prompt", "bold"),
    ("prompt.data", "ansiyellow bold"),
    ("prompt.closed", "ansired"),
)


def key_bindings() -> KeyBindings:
    """Ctrl-C clears the line (it never kills the console); Ctrl-D keeps its EOF meaning."""
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _clear(event: KeyPressEvent) -> None:
        event.current_buffer.reset()

    return bindings


def _history() -> History:
    try:
        return FileHistory(str(history_path()))
    except OSError:
        return InMemoryHistory()


def console_style() -> Style:
    from simulator.render import STYLE

    rules = dict(STYLE)
    rules.update(INPUT_STYLE)
    rules.update(TOOLBAR_STYLE)
    return Style.from_dict(rules)


class Console:
    """One console run: a prompt session over a :class:`ConsoleContext`."""

    def __init__(self, ctx: ConsoleContext, *, input: Input | None = None,
                 output: Output | None = None, history: History | None = None) -> None:
        self.ctx = ctx
        self.prompt_session: PromptSession[str] = PromptSession(
            input=input, output=output,
            history=history if history is not None else _history(),
            auto_suggest=AutoSuggestFromHistory(),
            completer=SmtpCompleter(self._completion_context),
            lexer=SmtpLexer(lambda: self.ctx.in_data),
            bottom_toolbar=self._toolbar,
            key_bindings=key_bindings(),
            style=console_style(),
            color_depth=None if ctx.color else ColorDepth.DEPTH_1_BIT,
            erase_when_done=True,
            complete_while_typing=False,
        )

    def _completion_context(self) -> CompletionContext:
        addresses = [*self.ctx.addresses, "alice@example.org", "bob@example.net"]
        return CompletionContext(self.ctx.in_data, tuple(dict.fromkeys(addresses)))

    def _toolbar(self) -> StyleAndTextTuples:
        ctx = self.ctx
        peer = ctx.connection.peer if ctx.connect_to and ctx.connection else ""
        return list(toolbar_fragments(ctx.view(), lang=ctx.lang, eol=ctx.eol, raw=ctx.raw,
                                      peer=peer))

    def _message(self) -> StyleAndTextTuples:
        state = self.ctx.view().state
        style = {State.DATA: "class:prompt.data", State.CLOSED: "class:prompt.closed"}
        return [(style.get(state, "class:prompt"), PROMPTS.get(state, "smtp> "))]

    def _read(self) -> str:
        """Runs in a worker thread: one prompt, one line (EOFError on Ctrl-D)."""
        return self.prompt_session.prompt(self._message)

    async def run(self) -> int:
        """Greeting, then lines until Ctrl-D or :quit. Returns the exit status."""
        ctx = self.ctx
        try:
            if not await ctx.open():
                return 1
            ctx.say("start")
            while True:
                try:
                    line = await trio.to_thread.run_sync(self._read)
                except EOFError:
                    await say_goodbye(ctx)
                    return 0
                if await self.guarded(line):
                    return 0
        finally:
            await ctx.close()

    async def guarded(self, line: str) -> bool:
        """:meth:`handle`, but a bug never ends the learner's session: it is reported and
        the console goes on (the connection is replaced if it broke)."""
        try:
            return await self.handle(line)
        except Exception as err:  # the last line of defence: report, do not crash
            self.ctx.show([("class:code.5xx", f"smtp-sim internal error: {err!r}\n")])
            if self.ctx.connection is not None and self.ctx.closed:
                self.ctx.say("closed", "class:code.4xx")
            return False

    async def handle(self, line: str) -> bool:
        """Act on one typed line; True means leave."""
        ctx = self.ctx
        if ctx.closed and not is_meta(line):
            if line.strip():
                self._echo(line)
                ctx.say("closed-not-sent")
            else:
                await ctx.reconnect()
            return False
        if is_meta(line) and (not ctx.in_data or is_known_meta(line)):
            self._echo(line)
            return await run_meta(ctx, parse_meta(line))
        await ctx.send_line(line)
        return False

    def _echo(self, line: str) -> None:
        """The prompt is erased after Enter; keep a line that was not sent visible, dimmed
        and without a direction marker (it never went on the wire)."""
        prompt = PROMPTS.get(self.ctx.view().state, "smtp> ")
        self.ctx.show([("class:dim", prompt + show_bytes(encode_line(line)) + "\n")])


def run_app(args: argparse.Namespace) -> int:
    """``smtp-sim`` / ``smtp-sim repl``: the interactive console."""
    from simulator.client import parse_peer

    connect_to = None
    if args.connect:
        try:
            connect_to = parse_peer(args.connect)
        except ValueError as err:
            print(f"smtp-sim: --connect: {err}", file=sys.stderr)
            return 2
    from simulator.lessons.scenarios import ScenarioError, from_arguments

    try:
        scenario = from_arguments(args)
    except ScenarioError as err:
        print(f"smtp-sim: {err}", file=sys.stderr)
        return 2
    lang = choose_lang(args.lang)
    ctx = ConsoleContext(
        lang=lang, out=sys.stdout, color=wants_color(sys.stdout, no_color=args.no_color),
        wrap=sys.stdout.isatty(),
        policy=Policy(accept_bare_lf=bool(args.accept_bare_lf), scenario=scenario),
        connect_to=connect_to)
    console = Console(ctx)
    status: int = trio.run(console.run)
    return status

