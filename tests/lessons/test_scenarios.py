"""Scenario files: the shipped ones load, a teacher's file works, every mistake is named."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.lessons.scenarios import (
    MAX_FILE,
    ScenarioError,
    builtin_names,
    check_file,
    from_options,
    load_scenario,
)
from simulator.lessons.ui import option_text
from simulator.options.records import OptionError
from simulator.protocol import Policy, Session
from simulator.protocol.memory import Memory
from simulator.protocol.rules import CustomReply, Event, Facts, Scenario, decide
from tests.dialogue import IN_MAIL, keys, send
from tests.hostile_files import KINDS, make
from tests.lessons.scenario_files import GOOD, RULE, problems, write


def test_the_shipped_scenarios_are_strict_realistic_and_chaos_and_all_check_clean() -> None:
    assert builtin_names() == ("strict", "chaos", "realistic")
    for name in builtin_names():
        assert check_file(name) == [], name
    assert load_scenario("strict").rules == ()


def test_a_teachers_file_goes_before_its_base(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))
    assert scenario.name == "teacher" and scenario.title("zh") == "Blocked partner"
    assert scenario.rules[0].name == "partner-blocked"
    assert [r.name for r in scenario.rules[1:]] == [r.name for r in
                                                   load_scenario("realistic").rules]
    assert scenario.local_domains == load_scenario("realistic").local_domains
    session = Session(Policy(scenario=scenario))
    session.greeting()
    [refused, unknown] = send(session, *[line.decode().rstrip() for line in IN_MAIL],
                              "RCPT TO:<ann@partner.example>", "RCPT TO:<nobody@example.com>")[2:]
    assert refused.reply.to_bytes() == b"550 5.7.1 Mail to partner.example is blocked by policy\r\n"
    assert refused.reply.key == "rule.partner-blocked"
    assert unknown.reply.key == "rcpt.user-unknown"


def test_a_rule_named_like_a_base_rule_replaces_it(tmp_path: Path) -> None:
    text = 'base = "realistic"\n' + RULE.replace('name = "r"', 'name = "nobody"').format(
        extra='match = { address = "nobody@*" }')
    rules = load_scenario(write(tmp_path, text)).rules
    assert [r.name for r in rules].count("nobody") == 1
    assert isinstance(rules[0].reply, CustomReply) and rules[0].on is Event.RCPT


def test_options_override_the_file_and_a_seed_is_picked_when_none_is_given() -> None:
    scenario = from_options("realistic", greylist_delay=5, rate_limit=3, fault_rate=0.5, seed=9)
    assert (scenario.greylist_delay, scenario.rate_limit, scenario.fault_rate, scenario.seed) == (
        5, 3, 0.5, 9)
    assert from_options(None).name == "strict"
    assert from_options("chaos").seed > 0


@pytest.mark.parametrize(("option", "key", "value", "zh"), [
    ({"greylist_delay": -1}, "bad-greylist-delay", "-1", "--greylist-delay 必须是 0 到 86400 秒"),
    ({"rate_limit": 0}, "bad-rate-limit", 0, "--rate-limit 至少是每分钟 1 封邮件"),
    ({"fault_rate": 1.5}, "bad-fault-rate", "1.5", "--fault-rate 必须是 0 到 1 之间的概率"),
])
def test_bad_options_are_refused_in_the_users_language(option: dict[str, float], key: str,
                                                       value: object, zh: str) -> None:
    with pytest.raises(OptionError) as caught:
        from_options("chaos", **option)  # type: ignore[arg-type]
    assert (caught.value.key, caught.value.fields) == (key, {"value": value})
    assert option_text(caught.value, "zh").startswith(zh)
    assert f"not {value}" in option_text(caught.value, "en")


def test_an_unknown_scenario_name_lists_the_known_ones() -> None:
    with pytest.raises(OptionError) as caught:
        load_scenario("realistc")
    assert caught.value.key == "unknown-scenario"
    assert caught.value.fields == {"name": "realistc", "known": "strict, chaos, realistic"}
    assert "realistc" in option_text(caught.value, "zh")
    assert check_file("realistc", "zh") == [option_text(caught.value, "zh")]


def test_a_missing_file_and_bad_toml(tmp_path: Path) -> None:
    assert check_file(str(tmp_path / "none.toml"))[0].startswith(
        f"{tmp_path / 'none.toml'}: cannot read it: ")
    assert problems(tmp_path, "title = ")[0].startswith(
        f"{tmp_path / 'teacher.toml'}: not valid TOML: ")


def test_every_problem_is_reported_and_nothing_half_loads(tmp_path: Path) -> None:
    path = write(tmp_path, RULE.format(extra="match = { chance = 2 }") + 'colour = "red"\n'
                 + GOOD.split("[[rule]]", 1)[1].join(("[[rule]]", "")))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and all(line.startswith(path) for line in lines)


def test_a_scenario_session_refuses_with_the_built_in_keys() -> None:
    session = Session(Policy(scenario=load_scenario("realistic")))
    assert session.greeting().reply.key == "session.greeting-scenario"
    assert keys(send(session, "EHLO c.example", "MAIL FROM:<a@c.example>",
                     "RCPT TO:<bob@example.com>")) == [
        "session.ehlo", "mail.accepted", "rcpt.accepted"]


REALISTIC_CASES = [
    # (setup lines, the line, reply code and enhanced, key)
    ((), "RCPT TO:<eve@elsewhere.example>", "554 5.7.1", "rcpt.relay-denied"),
    ((), "RCPT TO:<nobody@example.com>", "550 5.1.1", "rcpt.user-unknown"),
    ((), "RCPT TO:<full@example.org>", "452 4.2.2", "rcpt.mailbox-full"),
    ((), "RCPT TO:<busy@example.net>", "450 4.2.1", "rcpt.mailbox-busy"),
    ((), "RCPT TO:<moved@smtp-sim.localhost>", "551 5.1.6", "rcpt.user-moved"),
    ((), "RCPT TO:<greylist@localhost>", "451 4.7.1", "rcpt.greylisted"),
    (("RCPT TO:<nobody@example.com>",), "DATA", "554 5.5.1", "data.no-valid-recipients"),
    (("RCPT TO:<bob@example.com>", "DATA", "Subject: hi", "",
      "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"), ".",
     "554 5.7.1", "data.spam"),
    (("RCPT TO:<bob@example.com>", "DATA", "Subject: [SPAM] buy", ""), ".", "554 5.7.1",
     "data.spam"),
    # RFC 7489 §3.1: DMARC judges the header From:, after the final dot
    (("RCPT TO:<bob@example.com>", "DATA", "From: Ann <ann@yahoo.com>", "Subject: hi", "",
      "hello"), ".", "550 5.7.26", "data.dmarc-reject"),
    (("RCPT TO:<bob@example.com>", "DATA", "From: ann@AOL.com", ""), ".", "550 5.7.26",
     "data.dmarc-reject"),
    (("EHLO x", "MAIL FROM:<ann@client.example>"), "RCPT TO:<bob@example.com>", "504 5.5.2",
     "rcpt.helo-not-fqdn"),
    # the zone: bank.example's SPF (-all) does not list 192.0.2.1, nomail.example has a null MX
    (("RSET", "MAIL FROM:<ann@bank.example>"), "RCPT TO:<bob@example.com>", "550 5.7.23",
     "rcpt.spf-fail"),
    ((), "RCPT TO:<bob@nomail.example>", "556 5.1.10", "rcpt.null-mx"),
    (("RCPT TO:<bob@example.com>", "DATA", "From: boss@bank.example", ""), ".", "550 5.7.26",
     "data.dmarc-reject"),
]


@pytest.mark.parametrize(("setup", "line", "code", "key"), REALISTIC_CASES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_realistic_case_is_refused_and_explained(setup: tuple[str, ...], line: str,
                                                      code: str, key: str, lang: str) -> None:
    from simulator.lessons.annotate import annotate
    from simulator.lessons.entries import code_entry

    session = Session(Policy(scenario=load_scenario("realistic")))
    session.greeting()
    send(session, "EHLO client.example", "MAIL FROM:<ann@client.example>", *setup)
    [exchange] = send(session, line)
    assert exchange.reply.wire_lines()[-1].startswith(f"{code} ")
    assert exchange.reply.key == key
    explained = annotate(exchange, lang)
    assert explained.key == key and explained.title.startswith(code[:3])
    assert explained.why and explained.fix and "{" not in explained.why + explained.fix
    assert explained.why != code_entry(int(code[:3]), lang).when  # its own lesson, not the code's


SCRIPT_WORDS = [b"EHLO x.example", b"EHLO x", b"MAIL FROM:<a@b.example>", b"MAIL FROM:<a@gmail.com>",
                b"RCPT TO:<nobody@example.com>", b"RCPT TO:<greylist@example.com>",
                b"RCPT TO:<c@elsewhere.example>", b"RCPT TO:<bob@example.com>", b"DATA",
                b"Subject: [SPAM] x", b"", b".", b"RSET", b"NOOP", b"QUIT"]


def _scenario_replies(scenario: Scenario, chunks: list[bytes]) -> list[tuple[bytes, float, bool]]:
    session = Session(Policy(scenario=scenario), memory=Memory(), timer=lambda: 0.0)
    out = [session.greeting()]
    for chunk in chunks:
        out.extend(session.receive_data(chunk))
    return [(e.reply.to_bytes(), e.delay, e.hang_up) for e in out]


def test_scenarios_give_the_same_replies_however_the_bytes_are_split() -> None:
    scenarios = [from_options(name, seed=7, fault_rate=0.3) for name in ("realistic", "chaos")]
    words = st.lists(st.sampled_from(SCRIPT_WORDS), max_size=25).map(
        lambda items: b"".join(word + b"\r\n" for word in items))

    @given(words, st.lists(st.integers(min_value=0), max_size=15), st.sampled_from(scenarios))
    def check(data: bytes, cuts: list[int], scenario: Scenario) -> None:
        points = sorted({c % (len(data) + 1) for c in cuts})
        chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
        assert _scenario_replies(scenario, chunks) == _scenario_replies(scenario, [data])

    check()


EVIL_REGEX = """
[[rule]]
name = "school-senders"
on = "mail"
match = { argument = '<(\\w+\\.?)+@school\\.example>' }
reply = { code = 550, enhanced = "5.7.1", text = "Not from the school" }
"""
EVIL_GLOB = """
[[rule]]
name = "deep-domains"
on = "rcpt"
match = { address = "*.*.*.*@*.*.*.example" }
reply = { code = 550, enhanced = "5.7.1", text = "Too deep" }
"""


def timed_replies(text: str, tmp_path: Path, *lines: str) -> tuple[list[int], float]:
    session = Session(Policy(scenario=load_scenario(write(tmp_path, text))))
    session.greeting()
    started = time.perf_counter()
    exchanges = [e for line in lines for e in session.receive_data(f"{line}\r\n".encode())]
    return [e.reply.code for e in exchanges], time.perf_counter() - started


def test_a_teachers_catastrophic_regex_costs_no_time(tmp_path: Path) -> None:
    codes, seconds = timed_replies(EVIL_REGEX, tmp_path, "EHLO c.example",
                                   "MAIL FROM:<" + "a" * 26 + "@other.example>", "RSET",
                                   "MAIL FROM:<ann.lee@school.example>")
    assert codes == [250, 250, 250, 550]
    assert seconds < 1.0  # generous: Python's re took minutes on the first MAIL alone


def test_a_teachers_many_star_glob_costs_no_time(tmp_path: Path) -> None:
    deep = "a." * 31 + "a@" + "b." * 79 + "org"  # 225 octets that almost match
    codes, seconds = timed_replies(EVIL_GLOB, tmp_path, "EHLO c.example",
                                   "MAIL FROM:<ann@c.example>", *[f"RCPT TO:<{deep}>"] * 5,
                                   "RCPT TO:<a.b.c.d@e.f.g.example>")
    assert codes == [250, 250, 250, 250, 250, 250, 250, 550]
    assert seconds < 1.0  # generous: the backtracking glob took 2.85 s per RCPT


def test_a_file_loaded_twice_gives_equal_scenarios(tmp_path: Path) -> None:
    path = write(tmp_path, EVIL_REGEX + EVIL_GLOB.replace('"*.*', '"?.*'))
    assert load_scenario(path) == load_scenario(path)
    assert load_scenario("realistic") == load_scenario("realistic")

@pytest.mark.parametrize(("envelope", "author"), [
    ("someone@yahoo.com", "bob@example.com"),   # the envelope sender is no DMARC author
    ("someone@gmail.com", "someone@gmail.com"),  # gmail.com publishes p=none
    ("ann@qq.com", "ann@qq.com"),                # so do qq.com, 163.com, hotmail.com
    ("ann@163.com", "Ann <ann@163.com>"),
    ("ann@hotmail.com", "ann@hotmail.com"),
    ("bob@example.com", ""),                     # no From: at all: nothing for DMARC to judge
])
def test_realistic_dmarc_judges_only_a_header_from_of_a_reject_domain(envelope: str,
                                                                      author: str) -> None:
    session = Session(Policy(scenario=load_scenario("realistic")))
    session.greeting()
    header = (f"From: {author}",) if author else ()
    exchanges = send(session, "EHLO client.example", f"MAIL FROM:<{envelope}>",
                     "RCPT TO:<bob@example.com>", "DATA", *header, "Subject: hi", "", "x", ".")
    assert keys(exchanges)[1:] == ["mail.accepted", "rcpt.accepted", "data.start",
                                   "data.accepted"]


def test_an_authenticated_client_is_not_judged_as_a_stranger() -> None:
    scenario = load_scenario("realistic")
    facts = Facts(Event.END_OF_DATA, address=("bob@example.com",), header_from="a@yahoo.com",
                  authenticated=True)
    decision = decide(scenario, facts, hostname="mx", rng=random.Random(0), fields=dict)
    assert decision is None

@pytest.mark.parametrize("kind", KINDS)
def test_a_scenario_that_is_not_a_small_toml_file_is_refused_at_once_naming_it(
        tmp_path: Path, kind: str) -> None:
    path = make(kind, tmp_path / "teacher.toml")
    started = time.monotonic()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert time.monotonic() - started < 2
    assert str(caught.value).startswith(f"{path}")


def test_a_scenario_file_past_the_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "teacher.toml"
    path.write_text("# padding\n" * (MAX_FILE // 10 + 1))
    with pytest.raises(ScenarioError, match=f"larger than {MAX_FILE} octets"):
        load_scenario(str(path))


def test_a_refused_scenario_file_is_said_in_the_users_language(tmp_path: Path) -> None:
    path = make("fifo", tmp_path / "teacher.toml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert caught.value.text("zh").startswith(f"{path} 不是普通文件")
    assert caught.value.text("en") == str(caught.value)


def test_realistic_dmarc_follows_the_zone_a_teacher_edits(tmp_path: Path) -> None:
    text = ('base = "realistic"\n[dns]\n"_dmarc.yahoo.com" = { TXT = ["v=DMARC1; p=none"] }\n'
            '"_dmarc.gmail.com" = { TXT = ["v=DMARC1; p=reject"] }\n')
    session = Session(Policy(scenario=load_scenario(write(tmp_path, text))))
    session.greeting()
    for author, key in (("ann@yahoo.com", "data.accepted"), ("ann@gmail.com", "data.dmarc-reject")):
        exchanges = send(session, "EHLO client.example", "MAIL FROM:<x@example.net>",
                         "RCPT TO:<bob@example.com>", "DATA", f"From: {author}", "", "x", ".")
        assert keys(exchanges)[-1] == key, author


def test_realistic_accepts_mail_from_its_own_domain_with_the_verdicts() -> None:
    session = Session(Policy(scenario=load_scenario("realistic")))
    session.greeting()
    exchanges = send(session, "EHLO client.example", "MAIL FROM:<ann@example.org>",
                     "RCPT TO:<bob@example.com>", "DATA", "From: ann@example.org", "", "x", ".")
    kept = exchanges[-1].message
    assert kept is not None
    assert b"spf=pass smtp.mailfrom=example.org (client 192.0.2.1)" in kept.content
    assert b"dmarc=pass (p=reject) header.from=example.org" in kept.content
