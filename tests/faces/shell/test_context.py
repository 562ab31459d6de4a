"""What the console keeps between prompts, driven directly: a session opened and sent to,
accepted addresses remembered for completion, the dot-stuffing note, and a send after the
session closed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from simulator.faces.shell.context import ConsoleContext, encode_line
from simulator.faces.shell.link import ConsoleSettings
from simulator.lessons.ui import text
from simulator.protocol import State

CLOSED_NOT_SENT = text("console.closed-not-sent", "en")


async def opened() -> tuple[ConsoleContext, io.StringIO]:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en"), out)
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


@pytest.mark.parametrize(("line", "remembered"), [
    ("MAIL FROM:<@relay.example:ann@a.example>", "ann@a.example"),  # RFC 5321 §4.1.1.3
    ('MAIL FROM:<"ann lee"@a.example> BODY=8BITMIME', '"ann lee"@a.example'),
    ("mail from:<ANN@a.example> SIZE=100", "ANN@a.example"),
])
async def test_the_sender_remembered_is_the_path_the_server_accepted(line: str,
                                                                    remembered: str) -> None:
    ctx, _ = await opened()
    for sent in ("EHLO c.example", line, "RSET", "MAIL FROM:<>"):
        await ctx.send_line(sent)
    assert ctx.senders == [remembered]  # the null sender <> is nobody to complete
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


@pytest.mark.parametrize(("lang", "said"), [("en", "The system does not trust"),
                                             ("zh", "系统不信任这台服务器的证书")])
def test_the_reconnect_notice_has_lines_of_its_own_under_the_waiting_prompt(
        tmp_path: Path, lang: str, said: str) -> None:
    """--connect to an untrusted certificate: the notice that the console connects again is
    written once the waiting prompt is gone, from the start of a line and wrapped there
    (written while the prompt was up, it ran on from the prompt's own line, mid-word)."""
    import subprocess
    import sys

    from tests.tmux import pane

    server = subprocess.Popen(
        [sys.executable, "-m", "simulator", "serve", "--port", "0", "--tls"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={"SMTP_SIM_HOME": str(tmp_path / "server"), "PATH": ""})
    try:
        assert server.stdout is not None
        port = server.stdout.readline().rsplit(":", 1)[1].strip()
        with pane(tmp_path, "--connect", f"127.0.0.1:{port}", "--lang", lang, width=60,
                  height=40) as term:
            term.wait_for("smtp>")
            for line in ("EHLO client.example", "STARTTLS"):
                term.key("-l", line)
                term.key("Enter")
            term.wait_for("TLS established" if lang == "en" else "TLS 已建立")
            screen = term.history()
    finally:
        server.terminate()
        server.wait(timeout=10)
    lines = [line for line in screen.splitlines() if said in line]
    assert len(lines) == 1 and lines[0].startswith(said), screen
    waiting = "Waiting for the server's reply" if lang == "en" else "正在等待服务器回复"
    assert waiting not in screen.split(" -> STARTTLS")[0].rsplit(" -> EHLO", 1)[1], screen
