"""The scenario checker: each mistake in a teacher's file is named by file, rule and field,
one problem per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lessons.scenario_files import RULE, problems


@pytest.mark.parametrize(("extra", "message"), [
    ("colour = 1", "rule 'r': colour: unknown field (known: name, on, match, reply, delay, "
                   "disconnect, explain)"),
    ("match = { adress = \"x\" }", "rule 'r': match.adress: unknown field"),
    ("match = { argument = \"([\" }", "rule 'r': match.argument: the regular expression does "
                                     "not compile: unterminated character set"),
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
