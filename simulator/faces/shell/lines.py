"""One line, typed or read from a script, as the console acts on it.

The interactive console (``app.py``, a prompt in a worker thread) and a script played through
the console (``course.py``: a piped lesson, ``lessons check``) hand every line here, so a
line means the same whichever way it came: a guide's command, a meta-command, a line held for
a ``:pipeline``, or a line sent to the server.
"""

from __future__ import annotations

from typing import Final

from simulator.protocol import State
from simulator.protocol.escape import show_typed

from .context import EOLS, ConsoleContext, encode_line
from .meta import is_known_meta, is_meta, parse_meta
from .metacmds import run_meta

PROMPTS: Final = {State.DATA: "data> ", State.CLOSED: "closed> "}
PIPE_PROMPT: Final = "pipe> "


async def open_console(ctx: ConsoleContext) -> bool:
    """The session and its greeting, what the built-in server offers for TLS, then the
    guide's opening (a lesson's goal panel: last, right above the prompt, so the first screen
    keeps the lesson's title and intro at 80x24); False when the session could not be opened
    (why is said)."""
    opened = await ctx.open()
    if opened and ctx.guide is None:  # a lesson's goal panel says where to begin
        ctx.say("start")
    if ctx.settings.connect_to is None and ctx.link.security is not None:
        from .tlsview import offered_fragments

        ctx.show(offered_fragments(ctx.link.security.policy, ctx.lang))
    if ctx.guide is not None:
        ctx.guide.begin(ctx.screen)
    return opened


async def handle_line(ctx: ConsoleContext, line: str) -> bool:
    """Act on one line; True means leave."""
    if ctx.guide is not None:
        verdict = ctx.guide.handle(ctx.screen, line)
        if verdict is not None:
            return verdict
    if is_meta(line) and (not ctx.in_data or is_known_meta(line)):
        echo(ctx, line)
        return await run_meta(ctx, parse_meta(line))
    if ctx.closed:
        if line.strip():
            echo(ctx, line)
            ctx.say_not_sent()
        else:
            await ctx.reconnect()
        return False
    if ctx.pipeline is not None:  # held until :end sends the group in one write
        echo(ctx, line)
        ctx.pipeline.append(encode_line(line) + EOLS[ctx.eol])
        return False
    if not line and not ctx.in_data:
        await ctx.unsolicited()  # after a long silence: did the server hang up?
        return False  # an empty Enter sends nothing (in DATA it separates header and body)
    await ctx.send_line(line)
    return False


def prompt_for(ctx: ConsoleContext) -> str:
    """``smtp> ``, ``data> ``, ``closed> ``, or ``pipe> `` while a group is held."""
    if ctx.pipeline is not None:
        return PIPE_PROMPT
    return PROMPTS.get(ctx.view().state, "smtp> ")


def echo(ctx: ConsoleContext, line: str) -> None:
    """The prompt is erased after Enter; keep a line that was not sent visible, dimmed
    and without a direction marker (it never went on the wire)."""
    ctx.show([("class:dim", prompt_for(ctx) + show_typed(line) + "\n")])
