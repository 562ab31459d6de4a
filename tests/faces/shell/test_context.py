"""What the console keeps between prompts, driven directly: a session opened and sent to,
accepted addresses remembered for completion, the dot-stuffing note, and a send after the
session closed."""

from __future__ import annotations

import io

from simulator.faces.shell.context import ConsoleContext, encode_line
from simulator.lessons.ui import text
from simulator.protocol import State

CLOSED_NOT_SENT = text("console.closed-not-sent", "en")


async def opened() -> tuple[ConsoleContext, io.StringIO]:
    out = io.StringIO()
    ctx = ConsoleContext(lang="en", out=out)
    assert await ctx.open()
    return ctx, out


def test_a_typed_line_is_sent_as_typed() -> None:
    assert encode_line("EHLO 例子.中国") == "EHLO 例子.中国".encode()
    assert encode_line("NOOP \udcff") == b"NOOP \xff"  # undecodable input passes through


async def test_accepted_addresses_are_remembered_newest_first() -> None:
    ctx, _ = await opened()
    for line in ("EHLO c.example", "MAIL FROM:<ann@a.example>", "RCPT TO:<bob@b.example>",
                 "RCPT TO:<nobody>", "RCPT TO:<cy@c.example>"):
        await ctx.send_line(line)
    assert ctx.senders == ["ann@a.example"]
    assert ctx.recipients == ["cy@c.example", "bob@b.example"]
    assert ctx.view().state is State.RCPT
    await ctx.close()


async def test_a_dot_at_the_start_of_a_text_line_is_explained() -> None:
    ctx, out = await opened()
    for line in ("EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "DATA"):
        await ctx.send_line(line)
    assert ctx.in_data
    before = out.getvalue()
    await ctx.send_line(".hidden")
    assert text("console.dot-stuffing", "en", line="hidden") in out.getvalue()[len(before):]
    before = out.getvalue()
    await ctx.send_line("..kept")
    assert text("console.dot-stuffing", "en", line=".kept") not in out.getvalue()[len(before):]
    await ctx.close()


async def test_nothing_is_sent_after_the_session_closed() -> None:
    ctx, out = await opened()
    await ctx.send_line("QUIT")
    assert ctx.closed
    before = out.getvalue()
    assert await ctx.send_line("NOOP") is None
    said = out.getvalue()[len(before):]
    assert said.startswith(CLOSED_NOT_SENT) and "NOOP" not in said
    await ctx.close()
