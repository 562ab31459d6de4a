"""The console over TLS: in-process STARTTLS and AUTH, the toolbar, :b64, --connect."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trio

from simulator.faces.shell import tlsview
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.toolbar import toolbar_fragments
from simulator.protocol import Policy
from simulator.server import TcpOptions, serve_tcp
from simulator.server.secure import Prepared, SecurityOptions, prepare
from simulator.server.store import MemoryStore
from tests.wording import said, says, shows, written


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


def secured(home: Path, **options: object) -> Prepared:
    return prepare(SecurityOptions(**options), Policy(), directory=home)  # type: ignore[arg-type]


def toolbar_text(ctx: ConsoleContext) -> str:
    return "".join(text for _, text in toolbar_fragments(ctx.view(), lang=ctx.lang,
                                                          eol="crlf", raw=False))


async def console(security: Prepared, lang: str = "en") -> tuple[ConsoleContext, io.StringIO]:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang=lang, policy=security.policy, security=security), out)
    assert await ctx.open()
    return ctx, out


async def test_starttls_negotiates_over_the_memory_streams(home: Path) -> None:
    ctx, out = await console(secured(home, tls=True, auth=True))
    try:
        await ctx.send_line("EHLO client.example")
        step = await ctx.send_line("STARTTLS")
        assert step is not None and step.tls is not None
        assert step.tls.version == "TLSv1.3"
        shown = out.getvalue()
        assert says(shown, "tls.established", version="TLSv1.3", cipher=step.tls.cipher)
        [subject] = said(shown, "tls.certificate", "subject")
        assert "CN=smtp-sim.localhost" in subject
        assert says(shown, "tls.trusted")
        assert " TLS │" in toolbar_text(ctx)
        ehlo = await ctx.send_line("EHLO client.example")
        assert ehlo is not None and "AUTH PLAIN LOGIN" in ehlo.answers[0].lines
        await ctx.send_line("AUTH LOGIN")
        await ctx.send_line("c3R1ZGVudA==")
        why = written("keys", "auth.password-challenge", "why")
        assert shows(out.getvalue(), why, challenge="Password:", line="c3R1ZGVudA==",
                     decoded="student")
        done = await ctx.send_line("c2VjcmV0")
        assert done is not None and done.answers[0].code == 235
        assert "auth: student" in toolbar_text(ctx)
        assert "c2VjcmV0" in out.getvalue()  # the learner's own screen shows what was typed
    finally:
        await ctx.close()


async def test_chinese_notices_and_toolbar(home: Path) -> None:
    ctx, out = await console(secured(home, tls=True, auth=True), lang="zh")
    try:
        for line in ("EHLO client.example", "STARTTLS", "EHLO client.example",
                     "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"):
            await ctx.send_line(line)
        assert says(out.getvalue(), "tls.established", "zh", version="TLSv1.3")
        assert "认证: student" in toolbar_text(ctx)
    finally:
        await ctx.close()


def test_every_tls_notice_has_both_languages() -> None:
    for key in ("established", "certificate", "trusted", "untrusted", "refused", "encoded",
                "decoded", "bad", "note", "auth", "offers-tls", "account", "app-password"):
        english, chinese = tlsview.text(key, "en"), tlsview.text(key, "zh")
        assert english and chinese and english != chinese, key


async def test_the_start_lists_the_accounts(home: Path) -> None:
    security = secured(home, auth=True, users=("qq:web:app-password",))
    [line] = [text for _, text in tlsview.offered_fragments(security.policy, "en")]
    code = security.policy.accounts[0].app_password
    assert code is not None and len(code) == 16
    assert line == tlsview.text("app-password", "en", name="qq", password="web", code=code) + "\n"


@pytest.fixture
async def tls_port(home: Path, nursery: trio.Nursery) -> AsyncIterator[int]:
    """A classmate's ``smtp-sim serve --tls --auth``: its CA is not in the system store."""
    security = secured(home, tls=True, auth=True)
    bound = await nursery.start(lambda task_status: serve_tcp(
        policy=security.policy, store=MemoryStore(),
        options=TcpOptions(port=0, tls=security.context), task_status=task_status))
    yield bound.port


async def connect(port: int, *, verify: bool) -> tuple[ConsoleContext, io.StringIO]:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", connect_to=("127.0.0.1", port), verify=verify), out)
    assert await ctx.open()
    await ctx.send_line("EHLO client.example")
    await ctx.send_line("STARTTLS")
    return ctx, out


async def test_connect_goes_on_after_an_untrusted_certificate_with_a_warning(
        tls_port: int) -> None:
    ctx, out = await connect(tls_port, verify=False)
    try:
        shown = out.getvalue()
        assert says(shown, "tls.established")
        [issuer] = said(shown, "tls.certificate", "issuer")
        assert "OU=teaching CA,O=smtp-sim" in issuer
        assert says(shown, "tls.untrusted", problem="unable to get local issuer certificate")
        ehlo = await ctx.send_line("EHLO client.example")
        assert ehlo is not None and "AUTH PLAIN LOGIN" in ehlo.answers[0].lines
        await ctx.send_line("AUTH PLAIN AHN0dWRlbnQAc2VjcmV0")
        assert " TLS │" in toolbar_text(ctx) and "│ auth: student │" in toolbar_text(ctx)
    finally:
        await ctx.close()


async def test_connect_verify_refuses_an_untrusted_certificate(tls_port: int) -> None:
    ctx, out = await connect(tls_port, verify=True)
    try:
        assert says(out.getvalue(), "tls.refused", problem="unable to get local issuer certificate")
        assert ctx.closed
    finally:
        await ctx.close()


async def test_connect_says_it_connects_again_first_and_leaves_no_half_open_session(
        tls_port: int, caplog: pytest.LogCaptureFixture) -> None:
    """The notice comes before the handshake's result, and the server's first session ends
    at once (the connection is closed), instead of waiting 10 s for a handshake."""
    from simulator.lessons.ui import template, text
    from tests.wording import pattern_of

    with caplog.at_level("WARNING", logger="simulator.server.conversation"):
        ctx, out = await connect(tls_port, verify=False)
        try:
            shown = out.getvalue()
            notice = text("tls.retrying", "en", problem="unable to get local issuer certificate")
            assert notice in shown
            established = pattern_of(template("tls.established", "en")).search(shown)
            assert established is not None and shown.index(notice) < established.start()
            with trio.move_on_after(5):
                while not [r for r in caplog.records if "TLS handshake failed" in r.message]:
                    await trio.sleep(0.05)
            [ended] = [r.message for r in caplog.records if "TLS handshake failed" in r.message]
            assert "no handshake within" not in ended
        finally:
            await ctx.close()


@pytest.mark.parametrize(("lang", "qq", "gmail"), [
    ("en", "it logs in with its authorization code (授权码)", "it needs its app password"),
    ("zh", "它要用授权码登录", "它需要使用应用专用密码")])
def test_each_account_is_announced_with_the_word_its_provider_uses(
        lang: str, qq: str, gmail: str) -> None:
    """QQ Mail calls its code a 授权码 (authorization code), Gmail an app password: the
    start lines of lesson 21 must not call the first an app password."""
    from simulator.protocol import Policy
    from simulator.protocol.auth import Account, AppStyle

    policy = Policy(auth=True, accounts=(Account("qq", "web", "code1", app_style=AppStyle.QQ),
                                         Account("gmail", "web", "code2")))
    lines = "".join(part for _, part in tlsview.offered_fragments(policy, lang)).splitlines()
    assert qq in lines[0] and "code1" in lines[0]
    assert gmail in lines[1] and "code2" in lines[1]
