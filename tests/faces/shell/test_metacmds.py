"""The console's own commands as they run: what ``:b64`` shows, what ``:save`` writes."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.meta import parse_meta
from simulator.faces.shell.metacmds import run_meta
from simulator.protocol import Policy
from simulator.protocol.auth import Account
from tests.wording import says


async def test_b64_encodes_with_nul_and_decodes() -> None:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en"), out)
    await run_meta(ctx, parse_meta(r":b64 \0student\0secret"))
    await run_meta(ctx, parse_meta(":b64 -d VXNlcm5hbWU6"))
    await run_meta(ctx, parse_meta(":b64 -d not*base64"))
    shown = out.getvalue()
    assert says(shown, "tls.encoded", text=r"\0student\0secret", encoded="AHN0dWRlbnQAc2VjcmV0")
    assert says(shown, "tls.decoded", encoded="VXNlcm5hbWU6", text="Username:")
    assert says(shown, "tls.bad", encoded="not*base64")
    assert says(shown, "tls.note")


ACCOUNT = Account("quuxly", "hunter2")
PLAIN_CREDENTIALS = base64.b64encode(b"\0quuxly\0hunter2").decode()
LOGIN_NAME, LOGIN_PASSWORD = base64.b64encode(b"quuxly").decode(), base64.b64encode(b"hunter2").decode()


async def test_save_masks_credentials_as_the_serve_log_does(tmp_path: Path) -> None:
    """A saved file is handed on (to a teacher): AUTH's credentials are masked there, while
    the learner's own screen keeps them."""
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", policy=Policy(auth=True, accounts=(ACCOUNT,))), out)
    assert await ctx.open()
    for line in ("EHLO c.example", f"AUTH PLAIN {PLAIN_CREDENTIALS}", "RSET"):
        await ctx.send_line(line)
    await run_meta(ctx, parse_meta(":reconnect"))
    for line in ("EHLO c.example", "AUTH LOGIN", LOGIN_NAME, LOGIN_PASSWORD, "QUIT"):
        await ctx.send_line(line)
    target = tmp_path / "handout.md"
    await run_meta(ctx, parse_meta(f":save {target}"))
    await ctx.close()
    saved = target.read_text(encoding="utf-8")
    sent = [line for line in saved.splitlines() if line.startswith(" -> ")]
    assert sent == [" -> EHLO c.example", " -> AUTH PLAIN ****", " -> RSET",
                    " -> EHLO c.example", " -> AUTH LOGIN", " -> ****", " -> ****", " -> QUIT"]
    for secret in (PLAIN_CREDENTIALS, LOGIN_NAME, LOGIN_PASSWORD, "quuxly", "hunter2"):
        assert secret not in saved
    shown = out.getvalue()
    assert f" -> AUTH PLAIN {PLAIN_CREDENTIALS}" in shown and f" -> {LOGIN_PASSWORD}" in shown


async def test_help_lines_up_the_key_table_by_display_width_in_chinese() -> None:
    """回车 takes four columns, not two: each description starts in the same column."""
    from simulator.lessons.ui import text
    from simulator.render.wrap import text_width

    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="zh"), out)
    await run_meta(ctx, parse_meta(":help"))
    lines = out.getvalue().splitlines()
    starts = set()
    for key in ("tab", "enter", "up", "ctrl-d"):
        described = text(f"keys.{key}", "zh")[:6]
        [line] = [line for line in lines if described in line]
        starts.add(text_width(line[:line.index(described)]))
    assert len(starts) == 1, starts

async def test_save_writes_a_notice_escaped_once_for_markdown(tmp_path: Path) -> None:
    """``(\\n)`` in a notice is written ``(\\\\n)`` in Markdown, which renders as ``(\\n)``."""
    from simulator.lessons.ui import text
    from simulator.render.fragments import md_escape

    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en"), out)
    assert await ctx.open()
    await run_meta(ctx, parse_meta(":eol lf"))
    target = tmp_path / "eol.md"
    await run_meta(ctx, parse_meta(f":save {target}"))
    await ctx.close()
    saved = target.read_text(encoding="utf-8")
    assert md_escape(text("console.eol-lf", "en")) in saved and r"\\\\n" not in saved
    assert text("console.eol-lf", "en") in out.getvalue()


async def test_a_pipelined_group_leaves_in_one_write_and_its_replies_follow_in_order() -> None:
    """RFC 2920: the lines between :pipeline and :end are held, then sent together; every
    reply is shown after the group, each with its explanation."""
    from simulator.faces.shell.lines import handle_line

    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en"), out)
    assert await ctx.open()
    writes: list[bytes] = []
    assert ctx.link.connection is not None
    send = ctx.link.connection.send

    async def counted(data: bytes) -> object:
        writes.append(data)
        return await send(data)

    ctx.link.connection.send = counted  # type: ignore[method-assign,assignment]
    for line in ("EHLO c.example", ":pipeline", "MAIL FROM:<a@x.org>", "RCPT TO:<nobody@y.org>",
                 "RCPT TO:<b@y.org>", "DATA", ":end", "Subject: hi", "", "hello", "."):
        assert not await handle_line(ctx, line)
    await ctx.close()
    assert writes[1] == (b"MAIL FROM:<a@x.org>\r\nRCPT TO:<nobody@y.org>\r\n"
                         b"RCPT TO:<b@y.org>\r\nDATA\r\n")
    shown = out.getvalue()
    assert "pipe> RCPT TO:<b@y.org>" in shown and "pipe> :end" in shown
    group = shown[shown.index("pipe> :end"):shown.index(" -> Subject: hi")]
    assert group.index(" -> DATA") < group.index("<-  250 2.1.0") < group.index("<-  354")
    assert group.count("\n  250 Requested action completed") == 3  # each reply explained
    assert "\n  354 Start mail input" in group
    assert "<-  250 2.0.0" in shown  # the message itself went through


async def test_end_without_a_group_says_how_to_start_one() -> None:
    from simulator.faces.shell.lines import handle_line

    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="zh"), out)
    assert await ctx.open()
    await handle_line(ctx, ":end")
    await handle_line(ctx, ":pipeline")
    await handle_line(ctx, ":end")
    shown = out.getvalue()
    assert says(shown, "console.pipeline-none", "zh") and says(shown, "console.pipeline-empty", "zh")
    await ctx.close()

async def test_dig_answers_from_the_scenarios_zone_and_explains_the_record() -> None:
    from simulator.lessons.scenarios import load_scenario

    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", policy=Policy(scenario=load_scenario("realistic"))), out)
    await run_meta(ctx, parse_meta(":dig bank.example TXT"))
    await run_meta(ctx, parse_meta(":dig nowhere.example"))
    shown = out.getvalue()
    assert 'bank.example.  3600  IN  TXT  "v=spf1 ip4:198.51.100.0/24 -all"' in shown
    assert says(shown, "zone.dig-spf-fail")
    assert "NXDOMAIN" in shown
    strict = io.StringIO()
    await run_meta(ConsoleContext(ConsoleSettings(lang="zh"), strict), parse_meta(":dig example.org MX"))
    assert says(strict.getvalue(), "zone.dig-nxdomain", "zh", name="example.org")


async def test_dkim_sign_holds_the_text_and_sends_it_signed_at_the_dot() -> None:
    from simulator.lessons.scenarios import load_scenario

    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", policy=Policy(scenario=load_scenario("realistic"))), out)
    assert await ctx.open()
    try:
        await _sign_and_tamper(ctx, out)
    finally:
        await ctx.close()


async def _sign_and_tamper(ctx: ConsoleContext, out: io.StringIO) -> None:
    await run_meta(ctx, parse_meta(":dkim sign s1 example.org"))
    for line in ("EHLO client.example", "MAIL FROM:<ann@example.net>",
                 "RCPT TO:<bob@example.com>", "DATA", "From: ann@example.org", "", "hi"):
        await ctx.send_line(line)
    assert says(out.getvalue(), "console.dkim-holding") and "-> hi" not in out.getvalue()
    step = await ctx.send_line(".")
    assert step is not None and step.answers[-1].code == 250
    assert " -> DKIM-Signature: v=1;" in out.getvalue()
    await run_meta(ctx, parse_meta(":mailbox 1"))
    assert says(out.getvalue(), "verdicts.dkim-pass", domain="example.org", selector="s1")
    assert says(out.getvalue(), "verdicts.dmarc-pass", domain="example.org", aligned="dkim")
    await run_meta(ctx, parse_meta(":dkim tamper"))
    for line in ("MAIL FROM:<ann@example.net>", "RCPT TO:<bob@example.com>", "DATA",
                 "From: ann@example.org", "", "hi"):
        await ctx.send_line(line)
    step = await ctx.send_line(".")
    assert step is not None and (step.answers[-1].code, step.answers[-1].enhanced) == (
        550, "5.7.26")
    await run_meta(ctx, parse_meta(":dkim off"))
    await run_meta(ctx, parse_meta(":dkim sign s9 example.org"))
    await run_meta(ctx, parse_meta(":dkim tamper"))
    shown = out.getvalue()
    assert says(shown, "console.dkim-off")
    assert says(shown, "console.dkim-no-key", selector="s9", domain="example.org")
    assert says(shown, "console.dkim-usage")


async def test_save_onto_a_fifo_nobody_reads_is_refused_at_once(tmp_path: Path) -> None:
    """``:save!`` onto a FIFO with no reader waited in open() for ever, the console frozen
    (held-out attack on issue 18); a lesson's :save is this same command."""
    import trio

    from tests.hostile_files import fifo

    pipe = fifo(tmp_path / "lesson.md")
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en"), out)
    assert await ctx.open()
    with trio.fail_after(10):
        await run_meta(ctx, parse_meta(f":save! {pipe}"))
    await ctx.close()
    assert says(out.getvalue(), "files.no-reader", path=pipe)


async def test_dkim_sign_uses_a_teachers_own_key_from_the_scenario(tmp_path: Path) -> None:
    """``[dkim]`` of a teacher's scenario: the console signs with that key, the server's
    Authentication-Results says dkim=pass, and dkim=fail once tampered (issue 21)."""
    from simulator.lessons.scenarios import load_scenario
    from tests.lessons.test_dkim_keys import new_key, teacher

    scenario = load_scenario(teacher(tmp_path, new_key("ed25519")))
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", policy=Policy(scenario=scenario)), out)
    assert await ctx.open()
    try:
        await run_meta(ctx, parse_meta(":dkim sign s1 school.example"))
        for tamper in (False, True):
            if tamper:
                await run_meta(ctx, parse_meta(":dkim tamper"))
            for line in ("EHLO client.example", "MAIL FROM:<ann@school.example>",
                         "RCPT TO:<bob@example.com>", "DATA", "From: ann@school.example", "",
                         "hi"):
                await ctx.send_line(line)
            step = await ctx.send_line(".")
            assert step is not None and step.answers[-1].code == 250
        await run_meta(ctx, parse_meta(":mailbox 1"))
        await run_meta(ctx, parse_meta(":mailbox 2"))
    finally:
        await ctx.close()
    shown = out.getvalue()
    assert not says(shown, "console.dkim-no-key")
    assert says(shown, "console.dkim-on", selector="s1", domain="school.example")
    assert "dkim=pass header.d=school.example header.s=s1" in shown
    assert "dkim=fail header.d=school.example header.s=s1" in shown
