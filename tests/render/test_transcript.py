"""Transcripts: swaks-style markers that tell an error from a success without colour, and a
Markdown handout that keeps a message's text in one block."""

from __future__ import annotations

from simulator.client import LocalConnection
from simulator.client.script import Note, play
from simulator.protocol import Policy
from simulator.render.transcript import format_markdown, format_text
from simulator.server.store import MemoryStore

MESSAGE = [b"EHLO a.example", b"MAIL FROM:<a@b.example>", b"RCPT TO:<c@d.example>", b"DATA",
           b"Subject: hi", b"", b"line one", b"```", b".", b"HELOO"]


def _connect() -> LocalConnection:
    return LocalConnection(policy=Policy(), store=MemoryStore())


async def test_errors_are_marked_apart_from_successes() -> None:
    events, _ = await play(MESSAGE, connect=_connect)
    out = format_text(events, "en", color=False)
    assert "<-  250 2.0.0 OK" in out
    assert "<-  354 " in out
    assert '<** 500 5.5.2 Syntax error: command "HELOO"' in out
    assert "<-  500" not in out


async def test_markdown_keeps_the_message_text_in_one_block() -> None:
    events, _ = await play(MESSAGE, connect=_connect)
    out = format_markdown([*events, Note("the end")], "en")
    blocks = out.split("```text\n")[1:]
    body = next(block for block in blocks if block.startswith(" -> Subject: hi"))
    assert body.split("\n```\n")[0].splitlines() == [
        " -> Subject: hi", " -> ", " -> line one", " -> ```", " -> .",
        "<-  250 2.0.0 OK: message accepted as S1-1"]  # a bare ``` line cannot close the fence
    assert out.rstrip().endswith("the end")
    assert "<** 500 5.5.2" in out
