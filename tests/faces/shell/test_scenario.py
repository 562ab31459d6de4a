"""The console with a scenario: :scenario, the waited and hung-up notices, greylisting across
:reconnect (virtual time), and ``smtp-sim explain`` saying who sends a code."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import trio
import trio.testing

from simulator.cli.command import main
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.meta import parse_meta
from simulator.faces.shell.metacmds import run_meta
from simulator.lessons.scenario_view import text as scenario_text
from simulator.lessons.scenarios import from_options, load_scenario
from simulator.protocol import Policy
from tests.wording import shows, written

SLOW = """
title = { en = "Slow server", zh = "很慢的服务器" }
[[rule]]
name = "slow"
on = "noop"
delay = 3
[[rule]]
name = "drop"
on = "rset"
disconnect = true
[[rule]]
name = "no-vrfy"
on = "vrfy"
reply = { code = 550, enhanced = "5.7.1", text = "VRFY is refused by policy" }
[rule.explain.en]
why = "Your teacher's rule refuses VRFY."
fix = "Send the message instead of asking."
"""


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))


async def opened(policy: Policy, lang: str = "en") -> tuple[ConsoleContext, io.StringIO]:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang=lang, policy=policy), out)
    assert await ctx.open()
    return ctx, out


def slow_policy(tmp_path: Path) -> Policy:
    path = tmp_path / "slow.toml"
    path.write_text(SLOW, encoding="utf-8")
    return Policy(scenario=load_scenario(str(path)))


@pytest.mark.parametrize(("lang", "heading", "rule"), [
    ("en", "Scenario realistic: Realistic: a mail exchanger",
     "6. nobody: on rcpt (address = nobody@*) -> 550 5.1.1 (rcpt.user-unknown)"),
    ("zh", "场景 realistic：仿真：",
     "6. nobody：在 rcpt (address = nobody@*) 时 -> 550 5.1.1（rcpt.user-unknown）"),
])
async def test_scenario_lists_the_active_rules(lang: str, heading: str, rule: str) -> None:
    ctx, out = await opened(Policy(scenario=from_options("realistic", seed=4)), lang)
    assert "scenario realistic" in out.getvalue().splitlines()[0]
    await run_meta(ctx, parse_meta(":scenario"))
    shown = out.getvalue()
    assert heading in shown and rule in shown and "14. spam-subject" in shown
    # realistic draws nothing at random: its greylist delay, but no fault rate nor seed
    assert scenario_text("greylist_delay", lang, value=60) in shown
    assert "seed" not in shown and "种子" not in shown and "fault" not in shown
    await ctx.close()


async def test_the_strict_default_says_it_has_no_rules() -> None:
    ctx, out = await opened(Policy())
    await run_meta(ctx, parse_meta(":scenario"))
    assert scenario_text("no_rules", "en") in out.getvalue()
    await ctx.close()


async def test_a_delayed_reply_says_how_long_the_server_waited(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    ctx, out = await opened(slow_policy(tmp_path))
    start = trio.current_time()
    await ctx.send_line("NOOP")
    assert trio.current_time() - start == pytest.approx(3.0)
    assert scenario_text("waited", "en", seconds=3) + "\n<-  250 2.0.0 OK" in out.getvalue()
    await ctx.close()


async def test_a_rules_own_explanation_and_a_silent_disconnect(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    ctx, out = await opened(slow_policy(tmp_path))
    await ctx.send_line("VRFY bob")
    assert "<** 550 5.7.1 VRFY is refused by policy" in out.getvalue()
    assert "Your teacher's rule refuses VRFY." in out.getvalue()
    await ctx.send_line("RSET")
    after = out.getvalue().split("-> RSET", 1)[1]
    assert after.startswith("\n" + scenario_text("hung_up", "en") + "\n")
    assert "<-" not in after and "<**" not in after and ctx.closed
    await ctx.close()


async def test_greylisting_survives_reconnect(autojump_clock: trio.testing.MockClock) -> None:
    ctx, out = await opened(Policy(scenario=from_options("realistic", seed=1)))
    lines = ("EHLO client.example", "MAIL FROM:<ann@client.example>",
             "RCPT TO:<greylist@example.com>")
    for line in lines:
        await ctx.send_line(line)
    assert "<** 451 4.7.1 " in out.getvalue()
    await trio.sleep(61)
    assert await ctx.reconnect()
    for line in lines:
        await ctx.send_line(line)
    assert out.getvalue().rstrip().count("<-  250 2.1.5 Recipient <greylist@example.com> OK") == 1
    await ctx.close()


GREYLIST_OPTION = scenario_text("option", "en", option="--greylist-delay")


@pytest.mark.parametrize(("argv", "entry", "fields", "names"), [
    (["explain", "211"], "sent_never", {"code": 211}, ""),
    (["explain", "451"], "sent_scenario", {"scenario": "realistic", "code": 451,
                                           "rules": "greylist", "options": GREYLIST_OPTION}, ""),
    (["--lang", "zh", "explain", "554"], "sent_scenario", {"scenario": "realistic", "code": 554},
     "relay、no-valid-recipients、gtube、spam-subject"),
    (["explain", "503"], "sent_strict", {"code": 503},
     "sequence.data-before-mail, sequence.data-before-rcpt"),
    (["explain", "503"], "sent_feature", {"option": "--auth", "code": 503,
                                          "keys": "auth.already-authenticated, "
                                                  "sequence.auth-in-transaction"}, ""),
])
def test_explain_says_who_sends_a_code(capsys: pytest.CaptureFixture[str], argv: list[str],
                                       entry: str, fields: dict[str, object], names: str) -> None:
    """The sentence of scenario-ui's [texts] with the code, scenario, rules and keys a reader
    needs (``names``: the rules or keys it lists, in order)."""
    assert main([*argv, "--no-color"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    lang = "zh" if "zh" in argv else "en"
    assert shows(out, written("scenario-ui", "texts", entry, lang=lang), **fields)
    assert names in out


def test_explain_json_carries_who_sends_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "421", "--format", "json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)["codes"]
    assert "option --rate-limit" in entry["sent_by"] and "option --fault-rate" in entry["sent_by"]


@pytest.mark.parametrize("tty", [True, False])
def test_the_console_refuses_a_bad_scenario_at_start(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path, tty: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: tty)  # False: piped, played as `run -`
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "r"\non = "rcpt"\nmatch = { chance = 2 }\ndisconnect = true\n')
    assert main(["repl", "--scenario", str(bad)]) == 2
    assert f"{bad}: rule 'r': match.chance: 2 is outside 0..1" in capsys.readouterr().err


def test_lessons_check_a_teachers_file(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(SLOW, encoding="utf-8")
    assert main(["lessons", "check", "--scenario", str(good)]) == 0
    assert "lessons check: clean" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "r"\non = "rcpt"\nreply = { code = 450, enhanced = "5.1.1", '
                   'text = "x" }\n')
    assert main(["lessons", "check", "--scenario", str(bad)]) == 1
    assert "reply.enhanced: class 5 does not match code 450" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("columns", [60, 80])
async def test_scenario_rules_wrap_under_their_text(monkeypatch: pytest.MonkeyPatch,
                                                    lang: str, columns: int) -> None:
    """On a narrow terminal a long rule goes on under its own text, not under its number,
    and Chinese lists the domains with its own separator."""
    monkeypatch.setenv("COLUMNS", str(columns + 1))
    ctx, out = await opened(Policy(scenario=from_options("realistic", seed=4)), lang)
    ctx.screen.wrap = True
    start = len(out.getvalue())
    await run_meta(ctx, parse_meta(":scenario"))
    await ctx.close()
    lines = out.getvalue()[start:].splitlines()
    numbered = [i for i, line in enumerate(lines) if re.match(r" *\d+\. ", line)]
    assert len(numbered) == len(from_options("realistic", seed=4).rules)  # one line a rule
    for first, after in zip(numbered, [*numbered[1:], len(lines)], strict=True):
        hang = len(lines[first]) - len(lines[first].lstrip(" 0123456789."))
        for line in lines[first + 1:after]:
            if line.startswith("smtp>"):
                break
            assert line[:hang].isspace() and not line[hang].isspace(), "\n".join(lines)
    if lang == "zh":
        said = "".join(line.strip() for line in lines)
        assert "接收以下域名的邮件：example.com、example.org、example.net、localhost" in said
