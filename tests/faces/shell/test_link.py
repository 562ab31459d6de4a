"""The console's link to the server, apart from the screen: settings frozen once built, the
built-in server's store and memory kept across sessions, a lab host served without
touching the settings."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings, ServerLink
from simulator.faces.shell.meta import parse_meta
from simulator.faces.shell.metacmds import run_meta
from simulator.lessons.scenarios import from_options
from simulator.protocol import Policy, State
from tests.wording import says

MESSAGE = ("EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
           "DATA", "Subject: hi", "", "Hello.", ".")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data directory (saved :lang, certificates) is the test's own."""
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_settings_are_frozen_once_built() -> None:
    settings = ConsoleSettings(lang="zh", connect_to=("127.0.0.1", 2525))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.lang = "en"  # type: ignore[misc]
    link = ServerLink(settings)
    assert link.remote and link.closed and link.view().state is State.CLOSED
    assert link.store_usage() is None  # over --connect the mail is the real server's


async def test_the_store_outlives_a_session_and_the_settings_never_change() -> None:
    out = io.StringIO()
    settings = ConsoleSettings(lang="en")
    ctx = ConsoleContext(settings, out)
    assert await ctx.open()
    for line in MESSAGE:
        await ctx.send_line(line)
    assert await ctx.reconnect()
    usage = ctx.link.store_usage()
    assert usage is not None and usage.messages == 1  # what :mailbox counts
    assert ctx.link.sessions == 2 and ctx.settings is settings
    await run_meta(ctx, parse_meta(":mailbox"))
    assert "1. <alice@example.org> -> <bob@example.net>" in out.getvalue()
    await ctx.close()


async def test_a_lab_host_is_served_but_the_settings_keep_what_was_asked() -> None:
    out = io.StringIO()
    policy = Policy(scenario=from_options("realistic"))
    ctx = ConsoleContext(ConsoleSettings(lang="en", policy=policy), out)
    assert await ctx.open()
    await run_meta(ctx, parse_meta(":connect mx1.campus.example"))
    assert says(out.getvalue(), "console.connect-lab-25", host="mx1.campus.example", port=25)
    assert ctx.link.policy.hostname != policy.hostname  # the lab host answers now
    assert ctx.settings.policy is policy  # what the console was started with
    await ctx.close()
