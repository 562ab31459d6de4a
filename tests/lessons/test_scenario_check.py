"""The scenario checker: each mistake in a teacher's file is named by file, rule and field,
one problem per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.lessons.scenarios import check_file
from tests.lessons.scenario_files import RULE, problems, write


@pytest.mark.parametrize(("extra", "message"), [
    ("colour = 1", "rule 'r': colour: unknown field (known: name, on, match, reply, delay, "
                   "disconnect, explain)"),
    ("match = { adress = \"x\" }", "rule 'r': match.adress: unknown field"),
    ("match = { argument = \"([\" }", "rule 'r': match.argument: the regular expression does "
                                     "not compile: missing ]: ["),
    ("match = { chance = 1.5 }", "rule 'r': match.chance: 1.5 is outside 0..1"),
    ("match = { chance = -0.1 }", "rule 'r': match.chance: -0.1 is outside 0..1"),
    ("match = { nth = 0 }", "rule 'r': match.nth: must be a whole number from 1, not 0"),
    ("match = { local = \"yes\" }", "rule 'r': match.local: must be true or false"),
    ("match = { address = [] }", "rule 'r': match.address: must be a pattern or a list"),
    ("delay = 11", "rule 'r': delay: must be seconds from 0 to 10, or a range [low, high], "
                   "not 11"),
    ("delay = [5, 1]", "rule 'r': delay: must be seconds from 0 to 10"),
    ("disconnect = 1", "rule 'r': disconnect: must be true or false"),
    ("[rule.explain.fr]\nwhy = \"x\"\nfix = \"y\"", "rule 'r': explain.fr: unknown field"),
    ("[rule.explain.en]\nwhy = \"x\"", "rule 'r': explain.en: needs both why and fix"),
    ("[rule.explain.en]\nwhy = \"{who}\"\nfix = \"y\"",
     "rule 'r': explain.en.why: unknown placeholder {who} (allowed: {verb} {argument}"),
    ("[rule.explain.zh]\nwhy = \"x\"\nfix = \"{0}\"",
     "rule 'r': explain.zh.fix: placeholder {0} must be a plain name"),
])
def test_each_rule_mistake_names_file_rule_and_field(tmp_path: Path, extra: str,
                                                     message: str) -> None:
    found = problems(tmp_path, RULE.format(extra=extra))
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'teacher.toml'}: {message}"), found[0]


@pytest.mark.parametrize(("reply", "message"), [
    ('{ code = 350, text = "x" }', "reply.code: must be a refusal code from 400 to 599, "
                                   "not 350"),
    ('{ code = 600, text = "x" }', "reply.code: must be a refusal code from 400 to 599, "
                                   "not 600"),
    ('{ code = 550, enhanced = "4.7.1", text = "x" }',
     "reply.enhanced: class 4 does not match code 550 (RFC 3463 §2: it starts with 5)"),
    ('{ code = 550, enhanced = "5.7", text = "x" }',
     "reply.enhanced: must read class.subject.detail such as 5.7.1, not '5.7'"),
    ('{ code = 550, text = "' + "x" * 507 + '" }',
     "reply.text: the reply line would be 513 octets, over 512"),
    ('{ code = 550 }', "reply.text: required: the text after the code"),
    ('{ code = 550, text = "café" }', "reply.text: must be printable ASCII on one line"),
    ('{ code = 550, text = "x", colour = 1 }', "reply.colour: unknown field"),
    ('"rcpt.no-such-key"', "reply: 'rcpt.no-such-key' is not a reply key of the catalogue"),
    ('"rcpt.accepted"', "reply: 'rcpt.accepted' is a 250: a rule may only refuse"),
    ('"syntax.unknown-command"', "reply: 'syntax.unknown-command' needs verb, which a rule "
                                 "cannot give"),
    ('"help.command"', "reply: 'help.command' is a 214"),
])
def test_each_reply_mistake_is_named(tmp_path: Path, reply: str, message: str) -> None:
    text = f'[[rule]]\nname = "r"\non = "rcpt"\nreply = {reply}\n'
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'teacher.toml'}: rule 'r': {message}"), found[0]


def test_the_text_may_fill_exactly_512_octets(tmp_path: Path) -> None:
    text = '[[rule]]\nname = "r"\non = "rcpt"\nreply = { code = 550, text = "' + "x" * 506 + '" }'
    assert problems(tmp_path, text) == []


@pytest.mark.parametrize(("text", "message"), [
    ("colour = 1", "colour: unknown field (known: title, base, domains"),
    ('base = "strict2"', "base: must name a built-in scenario (strict, chaos, realistic)"),
    ("rate_limit = 0", "rate_limit: 0 is outside 1..1e+06"),
    ("fault_rate = 2", "fault_rate: 2 is outside 0..1"),
    ("greylist_delay = \"60\"", "greylist_delay: must be a number, not '60'"),
    ("domains = \"example.com\"", "domains: must be a list of domain names"),
    ("title = 3", "title: must be text, or a table of languages (en, zh)"),
    ("rule = 3", "rule: write each rule as a [[rule]] table"),
    ('[[rule]]\non = "rcpt"\nreply = "rcpt.user-unknown"', "rule '#1': name: required"),
    ('[[rule]]\nname = "r"\nreply = "rcpt.user-unknown"', "rule 'r': on: must be one of "
                                                          "connect, helo, ehlo, mail"),
    ('[[rule]]\nname = "r"\non = "rcpt"', "rule 'r': reply: a rule needs a reply, a delay or "
                                          "disconnect = true"),
    ('[[rule]]\nname = "r"\non = "rcpt"\ndisconnect = true\n'
     '[[rule]]\nname = "r"\non = "mail"\ndisconnect = true', "rule 'r': name: another rule "
                                                             "has the same name"),
])
def test_each_file_mistake_is_named(tmp_path: Path, text: str, message: str) -> None:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'teacher.toml'}: {message}"), found[0]


# -- what a teacher's file can grow is bounded, and what cannot run in linear time is refused --

def many_rules(count: int, match: str = "") -> str:
    return "".join(f'[[rule]]\nname = "r{i}"\non = "rcpt"\nreply = "rcpt.user-unknown"\n'
                   f"{match.format(i=i)}\n" for i in range(count))


@pytest.mark.parametrize(("extra", "message"), [
    ("match = { argument = 'a(?=b)' }", "match.argument: the regular expression uses "
                                        "lookaround or a backreference (invalid perl "
                                        "operator: (?=)"),
    ("match = { argument = '(?<!x)@school' }", "match.argument: the regular expression uses "
                                               "lookaround"),
    ("match = { argument = '<(\\w+)>\\1' }", "match.argument: the regular expression uses "
                                             "lookaround or a backreference (invalid escape "
                                             "sequence: \\1)"),
    ("match = { argument = '(?P<n>a)(?P=n)' }", "match.argument: the regular expression uses "
                                                "lookaround or a backreference"),
    ("match = { argument = 'a{2000}' }", "match.argument: the regular expression is too large "
                                         "to match quickly"),
    ("match = { argument = '" + "a" * 513 + "' }", "match.argument: the pattern is 513 "
                                                   "characters long; at most 512"),
    ("match = { address = '*@" + "a" * 600 + "' }", "match.address: the pattern is 602 "
                                                    "characters long; at most 512"),
    ("match = { body = '" + "a" * 513 + "' }", "match.body: the pattern is 513 characters"),
    ("match = { helo = [" + ", ".join(['"x"'] * 101) + "] }", "match.helo: 101 patterns; at "
                                                            "most 100 in one field"),
    ('[rule.explain.en]\nwhy = "' + "x" * 2001 + '"\nfix = "y"',
     "explain.en.why: 2001 characters; at most 2000"),
])
def test_each_unsafe_or_unbounded_pattern_names_file_rule_and_field(tmp_path: Path, extra: str,
                                                                    message: str) -> None:
    found = problems(tmp_path, RULE.format(extra=extra))
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'teacher.toml'}: rule 'r': {message}"), found[0]


@pytest.mark.parametrize(("text", "message"), [
    (many_rules(10_001), "rule: 10001 rules; a file may hold at most 10000"),
    (many_rules(101, "match = {{ argument = 'x{i}' }}"),
     "match.argument: 101 rules use a regular expression; a file may have at most 100"),
    (many_rules(101, "match = {{ body = 'x{i}' }}"),
     "match.body: 101 different texts to look for in messages; a file may have at most 100"),
    ("domains = [" + ", ".join(['"x.example"'] * 1001) + "]", "domains: 1001 domains; at most "
                                                              "1000"),
    ('domains = ["' + "a" * 256 + '"]', "domains: a domain of 256 characters"),
    ('title = "' + "t" * 2001 + '"', "title: 2001 characters; at most 2000"),
])
def test_each_oversized_file_is_refused_with_its_field(tmp_path: Path, text: str,
                                                       message: str) -> None:
    found = problems(tmp_path, text + "\n")
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'teacher.toml'}: {message}"), found[0]


@pytest.mark.parametrize(("text", "message"), [
    ("x = " + "[" * 50_000 + "]" * 50_000, " is not usable TOML: its values are nested more than"),
    ("#" * (8 << 20), " is larger than 8388608 octets, the most smtp-sim reads from a file of its"),
])
def test_a_file_too_deep_or_too_large_is_refused_by_the_reader(tmp_path: Path, text: str,
                                                               message: str) -> None:
    found = problems(tmp_path, text + "\n")
    assert found == [found[0]] and found[0].startswith(f"{tmp_path / 'teacher.toml'}{message}")


def test_ten_thousand_rules_are_allowed(tmp_path: Path) -> None:
    assert problems(tmp_path, many_rules(10_000, "match = {{ address = '*@d{i}.example' }}")
                    ) == []


def test_the_refusal_is_in_the_teachers_language(tmp_path: Path) -> None:
    path = write(tmp_path, RULE.format(extra="match = { argument = 'a(?=b)' }"))
    [zh] = check_file(path, lang="zh")
    assert zh.startswith(f"{path}: rule 'r': match.argument: 该正则表达式使用了环视或反向引用"), zh
    assert "线性时间" in zh


HELO_GLOBS = "match = {{ helo = [" + ", ".join(f'"*{j}*x"' for j in range(100)) + "] }}"


@pytest.mark.parametrize(("text", "rules"), [
    # 100 regular expressions RE2 can only run as an NFA over ~9,000 instructions: about
    # 20 ms each on a 500-octet argument, so 2.7 s per command while every client waited
    (many_rules(100, "match = {{ argument = '(.*){{{{1000}}}}z{i}' }}"), 100),
    (many_rules(30, "match = {{ argument = '(?:a?){{{{1000}}}}z{i}' }}"), 30),
    # 2,000 rules of 100 unindexed HELO globs: 200,000 matches a command (9,000: 0.7 s)
    (many_rules(2_000, HELO_GLOBS), 2_000),
    # a glob with ? runs on RE2: '*a?' x 170 takes 1.4 ms on 500 octets, 215 ms on a Subject
    # of 64 KiB (the header is read that far)
    (many_rules(100, "match = {{ address = '" + "*a?" * 170 + "' }}"), 100),
    (many_rules(1, "match = {{ subject = ['" + "*a?" * 170 + "'] }}"), 1),
])
def test_a_file_whose_patterns_cost_too_much_per_command_is_refused(tmp_path: Path, text: str,
                                                                     rules: int) -> None:
    found = problems(tmp_path, text)
    assert len(found) == 1, found[:3]
    assert found[0].startswith(f"{tmp_path / 'teacher.toml'}: match: the patterns of {rules} "
                               "rules would take up to"), found[0]


def test_a_large_file_of_ordinary_patterns_stays_within_the_cost(tmp_path: Path) -> None:
    """9,799 indexed address rules, 100 everyday regular expressions, 100 Subject globs
    and one with ``?``: what a teacher writes is not refused for its cost."""
    text = (many_rules(9_799, "match = {{ address = '*@d{i}.example' }}")
            .replace('name = "r', 'name = "a')
            + many_rules(100, "match = {{ argument = '<(\\\\w+\\\\.?)+@school{i}\\\\.example>' }}")
            + many_rules(100, "match = {{ subject = '*[SPAM{i}]*' }}")
            .replace('name = "r', 'name = "s')
            + many_rules(1, "match = {{ subject = '*win ? prize*' }}").replace('"r0"', '"w"'))
    assert problems(tmp_path, text) == []
