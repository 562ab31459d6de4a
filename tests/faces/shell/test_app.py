"""The console driven like a learner drives it: keys into a prompt_toolkit pipe input,
the transcript read back as plain text (DummyOutput for the prompt itself)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import trio
import trio.testing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.data_structures import Size
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from simulator.client.script import Notice
from simulator.faces.shell.app import Console
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings
from simulator.lessons.entries import code_entry, labels
from simulator.lessons.ui import text
from simulator.protocol import CATALOGUE, Session, State
from simulator.render.fragments import md_escape
from simulator.render.transcript import received_marker
from tests.wording import says

ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"
TRANSACTION = ["EHLO client.example", "MAIL FROM:<alice@example.org>",
               "RCPT TO:<bob@example.net>", "DATA", "Subject: hello", "", "Hi Bob.", "."]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


class Run:
    """The outcome of one console run: exit status, transcript, final context."""

    def __init__(self, status: int, text: str, ctx: ConsoleContext, console: Console) -> None:
        self.status, self.text, self.ctx, self.console = status, text, ctx, console


async def drive(*lines: str, keys: str = CTRL_D, lang: str = "en") -> Run:
    """Type each line and Enter, then ``keys`` (Ctrl-D by default, which leaves)."""
    out = io.StringIO()
    settings = ConsoleSettings(lang=lang)
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(), history=InMemoryHistory())
        ctx = console.ctx
        pipe.send_text("".join(line + ENTER for line in lines) + keys)
        status = await console.run()
    return Run(status, out.getvalue(), ctx, console)


def reply_line(key: str, **fields: object) -> str:
    spec = CATALOGUE[key]
    text = spec.template.format(**fields).split("\n")[-1]
    marker = received_marker(spec.code)
    return f"{marker}{spec.code} {spec.enhanced} {text}" if spec.enhanced else f"{marker}{spec.code} {text}"


def engine_reply(*lines: str) -> str:
    """The engine's own answer to the last of ``lines`` (one reply line), for reference."""
    session = Session(session_id="S1")
    session.greeting()
    exchanges = [session.receive_data(line.encode() + b"\r\n") for line in lines]
    return exchanges[-1][-1].reply.wire_lines()[-1]


async def test_greeting_is_explained_and_says_how_to_begin() -> None:
    run = await drive()
    assert run.text.startswith(reply_line("session.greeting", host="smtp-sim.localhost"))
    assert f"220 {code_entry(220, 'en').title}" in run.text
    assert "EHLO client.example" in run.text and ":help" in run.text


async def test_a_whole_transaction_then_ctrl_d_says_quit() -> None:
    run = await drive(*TRANSACTION)
    text = run.text
    for line in TRANSACTION:
        assert f" -> {line}\n" in text
    assert reply_line("mail.accepted", path="alice@example.org") in text
    assert reply_line("rcpt.accepted", path="bob@example.net") in text
    assert reply_line("data.start") in text
    assert reply_line("data.accepted", queue_id="S1-1") in text
    assert " -> QUIT\n" in text
    assert reply_line("session.quit", host="smtp-sim.localhost") in text
    assert run.status == 0
    replies = text.count("<-  ") + text.count("<** ") - 6  # EHLO's reply has 7 lines
    assert text.count("Next:") + text.count("How to fix:") == replies  # one per reply
    assert text.count("Why:") == replies - 1  # the long EHLO reply is brief: its next step


def after(text: str, marker: str) -> str:
    """The transcript after the last ``marker``."""
    assert marker in text
    return text.rsplit(marker, 1)[1]


async def test_typo_gets_500_with_its_explanation() -> None:
    run = await drive("EHLO client.example", "HELOO there")
    line = reply_line("syntax.unknown-command", verb="HELOO")
    explanation = after(run.text, line).split("<** ")[0].split(" -> ")[0]
    words = labels("en")
    assert explanation.splitlines()[1].startswith("  500 ")
    why = next(x for x in explanation.splitlines() if x.strip().startswith(words["why"]))
    assert "HELOO" in why
    assert words["fix"] in explanation


async def test_unknown_meta_command_is_listed_and_never_sent() -> None:
    run = await drive(":stat", "NOOP")
    assert says(after(run.text, "smtp> :stat\n").split("smtp>")[0], "console.unknown-meta", name=":stat")
    assert ":state" in run.text and ":reconnect" in run.text
    assert " -> :stat" not in run.text
    assert [step.sent for step in run.ctx.transcript.steps[1:3]] == [b"NOOP\r\n", b"QUIT\r\n"]


async def test_ctrl_c_clears_the_line() -> None:
    run = await drive("NOOP", keys="HELOO" + CTRL_C + "RSET" + ENTER + CTRL_D)
    assert "HELOO" not in run.text
    assert " -> RSET\n" in run.text


async def test_ctrl_d_in_data_abandons_the_message_without_quit() -> None:
    run = await drive(*TRANSACTION[:5])
    assert run.status == 0
    assert says(run.text, "console.abandon-data")
    assert " -> QUIT" not in run.text
    assert "<-  250 2.0.0" not in run.text  # nothing claims the half message was delivered
    stored = run.ctx.link.store_usage()  # what :mailbox reports
    assert stored is not None and stored.messages == 0  # and nothing was stored


async def test_after_quit_the_console_says_so_and_enter_reconnects() -> None:
    run = await drive("QUIT", "NOOP", "", "EHLO again.example")
    text = run.text
    assert says(text, "console.closed-quit")
    assert says(text, "console.closed-not-sent")
    assert " -> NOOP" not in text
    assert text.count(reply_line("session.greeting", host="smtp-sim.localhost")) == 2
    assert "Hello again.example" in text


async def test_reconnect_keeps_the_mailbox() -> None:
    run = await drive(*TRANSACTION, ":reconnect", ":mailbox", ":mailbox 1", ":mailbox 7")
    text = run.text
    assert says(text, "console.reconnected")
    assert "1. <alice@example.org> -> <bob@example.net>" in text
    message = after(text, "smtp> :mailbox 1\n")
    assert "Received: from client.example" in message
    assert "Subject: hello" in message and "Hi Bob." in message
    assert says(text, "console.mailbox-missing", number=7)


async def test_mailbox_shows_the_blank_line_between_header_and_body() -> None:
    run = await drive(*TRANSACTION, ":mailbox 1")
    message = after(run.text, "smtp> :mailbox 1\n")
    assert "Subject: hello\n\nHi Bob.\n" in message
    assert "\n    by smtp-sim.localhost" in message and "\\t" not in message


async def test_mailbox_with_a_non_ascii_digit_says_no_such_message() -> None:
    run = await drive(*TRANSACTION, ":mailbox ²")
    assert says(run.text, "console.mailbox-missing", number="²")
    assert not says(run.text, "app.internal-error")


async def test_a_600_character_line_is_sent_and_explained() -> None:
    long_line = "NOOP " + "x" * 595
    run = await drive(long_line, "NOOP")
    assert reply_line("limits.line-too-long") in run.text
    assert reply_line("session.noop") in run.text
    assert run.ctx.transcript.steps[1].sent == long_line.encode() + b"\r\n"


async def test_non_ascii_is_sent_as_typed_and_shown() -> None:
    run = await drive("EHLO 中文.example")
    assert run.ctx.transcript.steps[1].sent == "EHLO 中文.example\r\n".encode()
    assert " -> EHLO 中文.example\n" in run.text
    assert f"<** {engine_reply('EHLO 中文.example')}\n" in run.text


async def test_control_characters_reach_the_server_and_are_shown_escaped() -> None:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en"), out)
    assert await ctx.open()
    await ctx.send_line("EHLO client.example")
    step = await ctx.send_line("MAIL FROM:<a\x01\x1b[31mb@example.org>")
    await ctx.close()
    assert step is not None and step.sent == b"MAIL FROM:<a\x01\x1b[31mb@example.org>\r\n"
    assert step.answers[0].code == 501
    assert "\x1b" not in out.getvalue() and "\x01" not in out.getvalue()
    assert "a\\x01\\x1b[31mb@example.org" in out.getvalue()


async def test_bare_lf_mode_shows_why_crlf_matters() -> None:
    run = await drive(":eol lf", "EHLO client.example", ":eol crlf", "EHLO client.example")
    assert run.ctx.transcript.steps[1] == Notice("console.eol-lf")
    assert run.ctx.transcript.steps[2].sent == b"EHLO client.example\n"  # type: ignore[union-attr]
    assert reply_line("syntax.bare-lf") in run.text
    assert "Hello client.example" in run.text


async def test_raw_mode_shows_line_endings() -> None:
    run = await drive(":raw", "NOOP", ":raw off", "NOOP")
    assert " -> NOOP\\r\\n\n" in run.text
    assert reply_line("session.noop") + "\\r\\n\n" in run.text
    assert run.text.count(" -> NOOP\n") == 1


async def test_lang_switches_explanations_and_is_saved(home: Path) -> None:
    run = await drive(":lang zh", "HELOO")
    assert "说明现在使用中文" in run.text
    explanation = after(run.text, " -> HELOO")
    assert labels("zh")["why"] in explanation and labels("zh")["fix"] in explanation
    assert json.loads((home / "settings.json").read_text(encoding="utf-8")) == {"lang": "zh"}


async def test_more_gives_the_full_entry_of_the_last_reply() -> None:
    run = await drive("HELOO", ":more")
    more = after(run.text, "smtp> :more\n").split(" -> QUIT")[0]
    assert "SMTP 500" in more
    assert "5xx" in more
    assert labels("en")["description"] in more


async def test_state_diagram_marks_where_you_are() -> None:
    run = await drive(*TRANSACTION[:4], ":state", "Body line", ":-) not a command", ".")
    assert "you are in: data" in run.text
    assert "[data]" in run.text
    assert " -> :-) not a command\n" in run.text  # in DATA, only real meta-commands are meta
    assert reply_line("data.accepted", queue_id="S1-1") in run.text


async def test_explain_and_compare_codes() -> None:
    run = await drive(":explain 221 500", ":explain 999")
    comparison = after(run.text, "smtp> :explain 221 500\n").split("smtp> ")[0]
    assert "SMTP 221" in comparison and " 500 " in comparison
    assert labels("en")["difference"] in comparison
    assert "'999' is not a reply code" in after(run.text, "smtp> :explain 999\n")
    assert [step.sent for step in run.ctx.transcript.steps[1:]] == [b"QUIT\r\n"]


async def test_save_writes_markdown_with_explanations(tmp_path: Path) -> None:
    target = tmp_path / "my session.md"
    run = await drive("EHLO client.example", "HELOO", f":save {target}")
    saved = target.read_text(encoding="utf-8")
    assert says(run.text, "console.saved", path=target, count=3)  # the greeting, EHLO, HELOO
    assert "```text" in saved and " -> HELOO" in saved
    assert reply_line("syntax.unknown-command", verb="HELOO") in saved
    assert f"**500 {md_escape(code_entry(500, 'en').title)}" in saved


async def test_save_to_an_impossible_place_is_reported(tmp_path: Path) -> None:
    run = await drive(f":save {tmp_path}/missing/dir/x.md")
    assert says(run.text, "console.save-failed", path=f"{tmp_path}/missing/dir/x.md")


async def test_quit_meta_command_says_quit_and_leaves() -> None:
    run = await drive(":quit", "NOOP")
    assert run.status == 0
    assert reply_line("session.quit", host="smtp-sim.localhost") in run.text
    assert " -> NOOP" not in run.text


async def test_help_lists_every_meta_command() -> None:
    run = await drive(":help")
    for name in ("help", "explain", "more", "state", "mailbox", "reconnect", "lang", "eol",
                 "raw", "save", "quit"):
        assert f":{name}" in run.text


async def test_toolbar_follows_the_session() -> None:
    out = io.StringIO()
    settings = ConsoleSettings(lang="en")
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(), history=InMemoryHistory())
        ctx = console.ctx
        assert await ctx.open()
        for line in TRANSACTION[:3]:
            await ctx.send_line(line)
        bar = "".join(text for _, text in console.toolbar())
        assert "rcpt (1)" in bar and "<alice@example.org>" in bar
        await ctx.send_line("DATA")
        assert "only ." in "".join(text for _, text in console.toolbar())
        assert ctx.view().state is State.DATA
        await ctx.close()


async def test_a_bug_is_reported_and_the_console_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("lesson data went missing")

    monkeypatch.setattr("simulator.render.statediagram.diagram", broken)
    run = await drive(":state", "NOOP")
    assert says(run.text, "app.internal-error", error=repr(RuntimeError("lesson data went missing")))
    assert reply_line("session.noop") in run.text
    assert run.status == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=0, max_size=700), min_size=1, max_size=4))
def test_nothing_typed_crashes_the_console_or_reaches_the_screen_raw(lines: list[str]) -> None:
    out = io.StringIO()

    async def session() -> None:
        ctx = ConsoleContext(ConsoleSettings(lang="en"), out)
        assert await ctx.open()
        for line in lines:
            await ctx.send_line(line)  # pasted text may even hold CR and LF
        await ctx.close()

    trio.run(session)
    shown = out.getvalue()
    assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in shown)


async def test_history_persists_in_the_data_directory(home: Path) -> None:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        console = Console(ConsoleSettings(lang="en"), out, input=pipe, output=DummyOutput())
        pipe.send_text("NOOP" + ENTER + CTRL_D)
        assert await console.run() == 0
    assert "NOOP" in (home / "history").read_text(encoding="utf-8")


async def test_save_never_overwrites_unless_told_and_counts_right(tmp_path: Path) -> None:
    target = tmp_path / "t.md"
    target.write_text("keep me", encoding="utf-8")
    run = await drive(f":save {target}")
    assert target.read_text(encoding="utf-8") == "keep me"
    assert says(run.text, "console.save-exists", path=target)
    fresh = tmp_path / "one.md"
    run = await drive(f":save {fresh}", ":eol lf", "NOOP", ":eol crlf", f":save! {target}")
    assert says(run.text, "console.saved-1", path=fresh, count=1)
    assert says(run.text, "console.saved", path=target, count=2)
    saved = target.read_text(encoding="utf-8")
    assert md_escape(text("console.eol-lf", "en")) in saved.split(" -> NOOP")[0]


async def test_help_lists_keys_and_explains_one_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import shutil

    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((60, 24)))
    out = io.StringIO()
    settings = ConsoleSettings(lang="en", wrap=True)
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(), history=InMemoryHistory())
        # 56 lines at 60 columns: two pages on the 40-row DummyOutput, Space shows the second
        pipe.send_text(":help\r :help save\r:help nope\r" + CTRL_D)
        assert await console.run() == 0
    text = out.getvalue()
    assert "Keys:" in text and "Ctrl-R" in text and "Tab" in text
    help_part = text.split("smtp> :help\n")[1].split("smtp> :help save")[0]
    assert all(len(line) <= 59 for line in help_part.splitlines())
    wrapped = [line for line in help_part.splitlines() if line.startswith("      ")]
    assert wrapped  # continuation lines hang under the description, not at the margin
    one = text.split("smtp> :help save")[1].split("smtp> :help nope")[0]
    assert ":save FILE" in one and ":raw" not in one
    assert says(text, "console.unknown-meta", name="nope")


async def test_detail_levels() -> None:
    run = await drive("NOOP", "NOOP", ":detail none", "NOOP", ":detail full", "NOOP",
                      ":detail brief", "RSET")
    noops = run.text.split(" -> NOOP\n")[1:]
    assert "Next:" in noops[0]  # first time: in full
    assert "Next:" in noops[1] and "Why:" not in noops[1].split(" -> ")[0]  # then brief
    assert "Next:" not in noops[2].split("smtp> :detail full")[0]  # hidden
    assert "Why:" in noops[3]
    rset = run.text.split(" -> RSET\n")[1].split(" -> ")[0]
    assert "Next:" in rset and "Why:" not in rset


async def test_only_accepted_addresses_are_remembered_for_completion() -> None:
    run = await drive("MAIL FROM:<early@x.example>", "EHLO a", "MAIL FROM:<ok@x.example>",
                      "RCPT TO:<c@d.example>", "RCPT TO:<c@d.example> BAD=1")
    assert run.ctx.senders == ["ok@x.example"]  # the first came before EHLO: 503
    assert run.ctx.recipients == ["c@d.example"]


@pytest.mark.parametrize(("lang", "note"), [("en", "did not say BODY=8BITMIME"),
                                            ("zh", "没有声明 BODY=8BITMIME")])
async def test_8bit_text_without_body_8bitmime_is_accepted_with_a_note(
        lang: str, note: str) -> None:
    body = ["Subject: 你好", "", "正文", "."]
    run = await drive(*TRANSACTION[:4], *body, lang=lang)
    accepted = run.text.split(" -> .")[-1]
    assert "250 2.0.0" in accepted and note in accepted and "RFC 6152" in accepted
    declared = await drive(TRANSACTION[0], TRANSACTION[1] + " BODY=8BITMIME",
                           *TRANSACTION[2:4], *body, lang=lang)
    assert "250 2.0.0" in declared.text.split(" -> .")[-1]
    assert note not in declared.text
    # BODY=8BITMIME covers the body only: Subject: 你好 still needs SMTPUTF8 or RFC 2047
    assert "=?UTF-8?B?5L2g5aW9?=" in declared.text and "RFC 6532" in declared.text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_first_ehlo_reply_is_explained_briefly_with_more_for_the_rest(
        lang: str) -> None:
    run = await drive("EHLO client.example", ":more", lang=lang)
    block = run.text.split(" -> EHLO client.example\n")[1].split("smtp> :more")[0]
    replies = [line for line in block.splitlines() if line.startswith("<-  250")]
    explanation = [line for line in block.splitlines() if line.startswith("  ")]
    assert len(replies) > 3
    assert len(explanation) == 3  # title, one line of why, the pointer to :more
    assert ":more" in explanation[-1]
    assert len(replies) + len(explanation) + 1 <= 12  # with prompt and toolbar, fits 24 rows
    more = run.text.split("smtp> :more")[1]
    assert "PIPELINING" in more and "MAIL FROM" in more  # :more has the rest


@pytest.mark.parametrize(("lang", "listing", "usage"), [
    ("en", "octets, S1-1", "1 message, {used} of the 256 MiB the built-in server keeps"),
    ("zh", "字节，S1-1", "共 1 封邮件，占用 {used}，内置服务器的内存上限为 256 MiB")])
async def test_mailbox_says_how_full_the_memory_store_is(
        lang: str, listing: str, usage: str) -> None:
    from simulator.render.sizes import binary_size

    run = await drive(*TRANSACTION, ":mailbox", lang=lang)
    stored = run.ctx.link.store_usage()
    assert stored is not None and stored.messages == 1 and stored.limit == 256 * 1024 * 1024
    shown = run.text.split("smtp> :mailbox")[1]
    assert listing in shown
    assert usage.format(used=binary_size(stored.octets)) in shown


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("lines", "keys"), [((":quit",), ""), ((), CTRL_D)])
async def test_the_221_of_leaving_says_goodbye_not_how_to_reconnect(
        lang: str, lines: tuple[str, ...], keys: str) -> None:
    """The console is exiting: the 221's next step is a goodbye, not ``:reconnect``."""
    from simulator.lessons.ui import text

    run = await drive("EHLO client.example", *lines, keys=keys, lang=lang)
    leaving = after(run.text, " -> QUIT")
    assert ":reconnect" not in leaving and "Enter" not in leaving and "回车" not in leaving
    assert text("console.goodbye", lang) in " ".join(leaving.split())


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_console_command_is_echoed_as_typed(lang: str) -> None:
    """``:b64 \\0student\\0secret`` reads back with single backslashes, as typed."""
    run = await drive(r":b64 \0student\0secret", ":save /nonexistent\\dir/x.md", lang=lang)
    assert "smtp> :b64 \\0student\\0secret\n" in run.text
    assert "smtp> :save /nonexistent\\dir/x.md\n" in run.text
    assert "\\\\" not in run.text


def screen_rows(text: str, width: int) -> list[str]:
    """What a ``width``-column terminal shows of ``text`` (pyte wraps as a terminal does)."""
    import pyte

    screen = pyte.Screen(width, text.count("\n") * 3 + 10)
    pyte.Stream(screen).feed(text.replace("\n", "\r\n"))
    rows = [row.rstrip() for row in screen.display]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def wire_line_on_screen(rows: list[str], start: str) -> str:
    """The wire line whose first row starts with ``start``, its hanging rows joined."""
    first = next(index for index, row in enumerate(rows) if row.startswith(start))
    parts = [rows[first]]
    for row in rows[first + 1:]:
        if not row.startswith("    ") or row[4] == " ":
            break
        parts.append(row[4:])
    return " ".join(parts)


class TallOutput(DummyOutput):
    """A terminal high enough for any :help (the pager is tested in test_pager.py)."""

    def get_size(self) -> Size:
        return Size(rows=500, columns=80)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80])
async def test_wire_lines_and_help_wrap_at_word_boundaries_on_a_narrow_terminal(
        monkeypatch: pytest.MonkeyPatch, lang: str, width: int) -> None:
    """Wire lines break between words, continued under their text (not under the marker);
    no line is wider than the terminal, so none wraps mid-word or leaves one ideograph
    alone at the margin (the :help key list in Chinese)."""
    import os
    import shutil

    from simulator.render.wrap import text_width

    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((width, 24)))
    out = io.StringIO()
    settings = ConsoleSettings(lang=lang, wrap=True)
    host = "client.example.org.with.a.rather.long.name"
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=TallOutput(), history=InMemoryHistory())
        pipe.send_text(f"EHLO {host}\r:help\r" + CTRL_D)  # :help whole, no pager
        assert await console.run() == 0
    text = out.getvalue()
    assert all(text_width(line) < width for line in text.splitlines())
    rows = screen_rows(text, width)
    banner = CATALOGUE["session.greeting"].template.format(host="smtp-sim.localhost")
    assert wire_line_on_screen(rows, "<-  220 ") == f"<-  220 {banner}"
    hello = next(line for line in Session().receive_data(f"EHLO {host}\r\n".encode())[0]
                 .reply.wire_lines())
    assert wire_line_on_screen(rows, "<-  250-") == f"<-  {hello}"
    assert not [row for row in rows if len(row) == 1 and text_width(row) == 2]
    keys = rows[rows.index(next(r for r in rows if r.startswith(("Keys:", "按键：")))) + 1:]
    assert all(row.startswith("  ") for row in keys[:6])  # hanging, never at the margin


@pytest.mark.parametrize(("lang", "why", "fix"), [("en", "Why:", "How to fix:"),
                                                 ("zh", "原因：", "如何修复：")])
async def test_a_mistake_made_again_still_says_how_to_fix_it(lang: str, why: str,
                                                            fix: str) -> None:
    """Issue 19: the second time a reply is explained it is brief, and brief keeps the fix."""
    run = await drive("FOO", "FOO", "RCPT TO:<bob@example.net>", "RCPT TO:<bob@example.net>",
                      lang=lang)
    for sent in ("FOO", "RCPT TO:<bob@example.net>"):
        first, again = (part.split(" -> ")[0] for part in run.text.split(f" -> {sent}\n")[1:3])
        assert why in first and fix in first
        assert fix in again and why not in again
        assert len(again.strip().splitlines()) == 3  # the reply, its title, how to fix


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_after_quit_the_console_says_how_to_leave_and_how_to_start_again(
        lang: str) -> None:
    """Issue 19: after the 221 the learner is left at a closed> prompt; the console says
    :quit or Ctrl-D leaves, and Enter or :reconnect opens a new session."""
    run = await drive("EHLO client.example", "QUIT", lang=lang)
    after_quit = run.text.split(" -> QUIT\n")[1]
    said = text("console.closed-quit", lang)
    assert said in after_quit
    for words in (":quit", "Ctrl-D", ":reconnect"):
        assert words in said
    assert text("console.closed", lang) not in run.text
    assert run.text.count(" -> QUIT\n") == 1  # Ctrl-D at closed> sends no second QUIT


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_reply_the_server_sends_unasked_shows_at_once(
        lang: str, mock_clock: trio.testing.MockClock) -> None:
    """The idle timeout's 421 is shown when the server sends it, while the console waits at
    its prompt, explained, with what to do next; no key is needed to see it."""
    from tests.faces.learn.test_app import shown

    out = io.StringIO()
    settings = ConsoleSettings(lang=lang, idle_timeout=60)
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(), history=InMemoryHistory())
        async with trio.open_nursery() as nursery:
            nursery.start_soon(console.run)
            pipe.send_text("EHLO client.example" + ENTER)
            where = await shown(out, "<-  250 ")
            mock_clock.jump(59)
            await trio.testing.wait_all_tasks_blocked()
            assert "<** 421" not in out.getvalue()  # not yet: 60 s of silence
            mock_clock.jump(2)
            where = await shown(out, "<** 421 4.4.2", after=where)
            await shown(out, text("console.closed", lang), after=where)
            pipe.send_text(ENTER)  # Enter on the closed session: a new one
            await shown(out, "<-  220 ", after=where)
            pipe.send_text(CTRL_D)
    assert out.getvalue().count("<** 421") == 1


@pytest.mark.parametrize(("connect_to", "waits"), [(None, False), (("127.0.0.1", 25), True)])
def test_the_console_makes_its_context_with_the_live_prompt_in_it(
        connect_to: tuple[str, int] | None, waits: bool) -> None:
    """The pager and :pause's live prompt are part of the screen from the start; a send
    waits under the waiting prompt only over --connect (the built-in server answers at
    once). Nothing is patched into the context once it is made."""
    out = io.StringIO()
    settings = ConsoleSettings(lang="zh", connect_to=connect_to)
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=DummyOutput(),
                          history=InMemoryHistory())
    screen = console.ctx.screen
    assert screen.live is not None and screen.waits_live is waits
    assert console.ctx.settings is settings and console.ctx.lang == "zh"
