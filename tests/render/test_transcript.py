"""Transcripts: swaks-style markers that tell an error from a success without colour, and a
Markdown handout that keeps a message's text in one block; what the handshake after
STARTTLS gave."""

from __future__ import annotations

import pytest

from simulator.client.local import LocalConnection
from simulator.client.script import Event, Note, play
from simulator.lessons.ui import text
from simulator.protocol import Policy
from simulator.render.transcript import format_markdown, format_text
from simulator.server.secure import Prepared, SecurityOptions, prepare
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


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    home = tmp_path_factory.mktemp("home")
    return prepare(SecurityOptions(tls=True), Policy(), directory=home)


async def _tls_session(secured: Prepared) -> list[Event]:
    files = secured.files
    ca = None if files is None else str(files.ca or files.cert)

    def connect() -> LocalConnection:
        return LocalConnection(policy=secured.policy, store=MemoryStore(), tls=secured.context,
                               ca=ca)

    events, _ = await play([b"EHLO a.example", b"STARTTLS", b"EHLO a.example", b"QUIT"],
                           connect=connect)
    return events


@pytest.mark.parametrize(("lang", "words"), [("en", "TLS established: TLSv1"),
                                             ("zh", "TLS 已建立：TLSv1")])
async def test_the_text_transcript_says_tls_was_established_after_the_220(
        secured: Prepared, lang: str, words: str) -> None:
    lines = format_text(await _tls_session(secured), lang, color=False).splitlines()
    ready = next(i for i, line in enumerate(lines) if line.startswith("<-  220 2.0.0"))
    said = next(i for i, line in enumerate(lines) if line.startswith(words))
    second_ehlo = [i for i, line in enumerate(lines) if line == " -> EHLO a.example"][1]
    assert ready < said < second_ehlo
    assert lines[said + 1].startswith(text("tls.certificate", lang).split("{")[0])


@pytest.mark.parametrize(("lang", "words"), [("en", "*TLS established: TLSv1"),
                                             ("zh", "*TLS 已建立：TLSv1")])
async def test_the_markdown_transcript_says_tls_was_established_outside_the_blocks(
        secured: Prepared, lang: str, words: str) -> None:
    out = format_markdown(await _tls_session(secured), lang)
    paragraph = next(line for line in out.splitlines() if line.startswith(words))
    assert paragraph.endswith("*")
    before, _, after = out.partition(paragraph)
    assert before.count("```") % 2 == 0  # not inside a code block
    assert " -> STARTTLS" in before and " -> EHLO a.example" in after
