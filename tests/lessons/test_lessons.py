"""Lessons: the real data is complete, annotate() explains by key with the learner's input,
foreign replies fall back to code and enhanced code, comparisons are authored or composed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.lessons import (
    LANGS,
    REQUIRED_CODES,
    REQUIRED_COMPARISONS,
    Library,
    UnknownCodeError,
    annotate,
    annotate_reply,
    code_entry,
    compare,
    compare_entries,
    default_library,
    enhanced_entry,
    pair_entry,
)
from simulator.lessons.check import catalogue_enhanced, check_library
from simulator.protocol import CATALOGUE, Exchange, Session, State, make_reply
from tests.dialogue import send, session_after

SAMPLE = {"host": "mx.example", "domain": "c.example", "path": "a@b.example", "verb": "HELOO",
          "argument": "x", "queue_id": "S1-1", "limit": 100, "size": 5, "usage": "VRFY <user>",
          "summary": "s"}
PLACEHOLDER_NAMES = ("{verb}", "{argument}", "{line}", "{code}", "{host}", "{state}", "{limit}")


# -- the real data ---------------------------------------------------------------------------

def test_lessons_check_passes_on_the_real_data(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["lessons", "check"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "clean" in out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_reply_key_has_its_own_explanation(key: str, lang: str) -> None:
    exchange = Exchange(b"HELOO x\r\n", None, make_reply(key, **SAMPLE), State.GREETED,
                        State.GREETED, closes=False)
    a = annotate(exchange, lang)
    entry = code_entry(exchange.reply.code, lang)
    assert a.key == key
    assert a.why and a.fix and a.rfc and a.rfc.startswith("RFC ")
    assert a.why != entry.when, "fell back to the code entry: no text for this key"
    for name in PLACEHOLDER_NAMES:
        assert name not in a.why + a.fix


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_code_has_every_section(code: int, lang: str) -> None:
    entry = code_entry(code, lang)
    for text in (entry.title, entry.description, entry.when, entry.fix, entry.rfc,
                 entry.first.title, entry.first.meaning, entry.second.title):
        assert text.strip()
    assert "\n" not in entry.title


@pytest.mark.parametrize("lang", LANGS)
def test_every_enhanced_code_the_engine_sends_is_explained(lang: str) -> None:
    for pattern in catalogue_enhanced():
        assert enhanced_entry(pattern, lang).description


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", REQUIRED_COMPARISONS)
def test_authored_comparisons_exist(name: str, lang: str) -> None:
    parts = [part.partition(" ") for part in name.split("-")]
    entries = [pair_entry(int(code), enhanced, lang) if enhanced else code_entry(int(code), lang)
               for code, _, enhanced in parts]
    comparison = compare_entries(entries, lang)
    assert comparison.name == name
    assert comparison.authored
    assert comparison.difference and comparison.which


def test_session_replies_are_explained_with_what_was_typed() -> None:
    session = session_after(b"EHLO c.example\r\n")
    [exchange] = send(session, "RCPT TO:<bob@example.org>")
    a = annotate(exchange, "en")
    assert a.title.startswith("503 ")
    assert a.meaning.startswith("5xx")
    assert a.see == "smtp-sim explain 503"


# -- annotate() on fixture data (independent of the real texts) ------------------------------

FIXTURE_CODES = """
[labels]
why = "Why"
[classes.first.5]
title = "Permanent"
meaning = "permanent failure"
description = "Change the command."
[classes.second.0]
title = "Syntax"
description = "Form of the command."
[classes.second.5]
title = "Mail system"
description = "Mailboxes."
[codes.500]
title = "Not recognized"
description = "Unknown command."
when = "After a typo."
fix = "Check spelling."
rfc = "RFC 5321 §4.2.4"
[codes.550]
title = "Mailbox unavailable"
description = "Refused."
when = "After RCPT TO."
fix = "Check the address."
rfc = "RFC 5321 §4.2.2"
[enhanced."X.1.1"]
title = "Bad destination mailbox address"
description = "No such user."
"""

FIXTURE_KEYS = """
["syntax.unknown-command"]
why = "verb={verb} argument={argument} line={line} code={code} host={host} state={state} {{x}}"
fix = "Type HELO, not {verb}."
rfc = "RFC 5321 §4.2.4"
["limits.line-too-long"]
why = "limit={limit}"
fix = "Shorter."
rfc = "RFC 5321 §4.5.3.1.4"
["limits.too-many-recipients"]
why = "limit={limit}"
fix = "Split."
rfc = "RFC 5321 §4.5.3.1.8"
["session.quit"]
why = "host={host}"
fix = "Nothing."
rfc = "RFC 5321 §4.1.1.10"
"""


@pytest.fixture
def library(tmp_path: Path) -> Library:
    (tmp_path / "codes.en.toml").write_text(FIXTURE_CODES, encoding="utf-8")
    (tmp_path / "keys.en.toml").write_text(FIXTURE_KEYS, encoding="utf-8")
    return Library(tmp_path)


def test_placeholders_are_filled_from_the_exchange(library: Library) -> None:
    [exchange] = send(session_after(b"EHLO c.example\r\n"), b"heloo  my\x1b[31mhost\r\n")
    a = annotate(exchange, "en", library=library)
    assert a.why == ("verb=heloo argument=my\\x1b[31mhost line=heloo  my\\x1b[31mhost "
                     "code=500 host=smtp-sim.localhost state=greeted {x}")
    assert "\x1b" not in a.why + a.fix
    assert a.fix == "Type HELO, not heloo."
    assert a.rfc == "RFC 5321 §4.2.4"
    assert a.title == "500 Not recognized"
    assert a.meaning == "5xx: permanent failure"


def test_limit_comes_from_the_rule_or_the_reply_text(library: Library) -> None:
    [long_line] = send(session_after(), "NOOP " + "x" * 600)
    assert annotate(long_line, "en", library=library).why == "limit=512"
    reply = make_reply("limits.too-many-recipients", limit=7)
    exchange = Exchange(b"RCPT TO:<a@b.example>\r\n", None, reply, State.RCPT, State.RCPT,
                        closes=False)
    assert annotate(exchange, "en", library=library).why == "limit=7"


def test_host_is_read_back_from_the_reply(library: Library) -> None:
    from simulator.protocol import Policy

    session = Session(Policy(hostname="mx.school.example"))
    session.greeting()
    [bye] = send(session, "QUIT")
    assert annotate(bye, "en", library=library).why == "host=mx.school.example"


def test_a_key_without_text_falls_back_to_the_code(library: Library) -> None:
    [exchange] = send(session_after(), "MAIL FROM:<a@b.example>")  # 503: no key text here
    a = annotate(exchange, "en", library=library)
    assert a.key == "sequence.need-helo"
    assert a.title == "503 Permanent"  # no code entry either: the class digits explain it
    assert a.why == "x0z Syntax: Form of the command."


def test_foreign_reply_uses_code_and_enhanced_code(library: Library) -> None:
    a = annotate_reply(550, None, "5.1.1 <nobody@example.org>: user unknown", "en",
                       library=library)
    assert a.key is None
    assert a.enhanced == "5.1.1"
    assert a.enhanced_title == "5.1.1 Bad destination mailbox address"
    assert a.why == "After RCPT TO.\n5.1.1 Bad destination mailbox address: No such user."
    assert a.fix == "Check the address."


def test_foreign_reply_with_an_unknown_code_is_explained_by_class(library: Library) -> None:
    a = annotate_reply(559, "5.9.9", "strange", "en", library=library)
    assert a.title == "559 Permanent"
    assert a.enhanced_title is None
    assert "Mailboxes." in a.why


def test_unknown_code_entry_raises(library: Library) -> None:
    with pytest.raises(UnknownCodeError):
        code_entry(421, "en", library=library)


# -- comparisons ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_seed_pair_is_authored_in_either_order(lang: str) -> None:
    assert compare(500, 221, lang) == compare(221, 500, lang)
    assert compare(221, 500, lang).authored


def test_a_pair_inside_an_authored_triple_uses_it() -> None:
    assert compare(251, 250).codes == (250, 251, 252)


def test_other_pairs_are_composed_class_difference_first() -> None:
    en = compare(214, 503, "en")
    assert not en.authored
    assert en.difference.startswith("214 is a 2xx reply")
    assert "503 is a 5xx reply" in en.difference.splitlines()[1]
    zh = compare(214, 503, "zh")
    assert zh.difference.startswith("214 属于 2xx")


def test_same_class_pairs_say_so() -> None:
    assert "All of them are 5xx" in compare(502, 555, "en").difference


# -- the linter catches mistakes ---------------------------------------------------------------

def test_linter_reports_each_kind_of_problem(tmp_path: Path) -> None:
    real = default_library().root
    for name in ("codes", "compare"):
        for lang in LANGS:
            text = (real / f"{name}.{lang}.toml").read_text(encoding="utf-8")
            (tmp_path / f"{name}.{lang}.toml").write_text(text, encoding="utf-8")
    zh_codes = tmp_path / "codes.zh.toml"
    zh_codes.write_text(zh_codes.read_text(encoding="utf-8").replace(
        'title = "正在关闭连接"', 'title = "Closing"'), encoding="utf-8")
    keys = textwrap.dedent("""
        ["syntax.unknown-command"]
        why = "You typed {verb} and {command}."
        fix = "Use {{braces}} and {"
        rfc = "RFC 5321 §4.2.4"
        extra = "x"
        ["no.such-key"]
        why = "x"
        fix = "y"
        rfc = "RFC 5321"
        """)
    (tmp_path / "keys.en.toml").write_text(keys, encoding="utf-8")
    (tmp_path / "keys.zh.toml").write_text("not = [valid", encoding="utf-8")
    problems = "\n".join(check_library(Library(tmp_path)))
    assert "unknown placeholder {command}" in problems
    assert "literal braces" in problems
    assert "unknown field 'extra'" in problems
    assert "unknown catalogue key no.such-key" in problems
    assert "missing catalogue key session.quit" in problems
    assert "keys.zh.toml: not valid TOML" in problems
    assert "[codes.221]: 'title' has no Chinese text" in problems


def test_run_check_fails_with_a_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    import simulator.faces.lessons_check as check

    monkeypatch.setattr(check, "default_library", lambda: Library(tmp_path))
    assert main(["lessons", "check"]) == 1
    out = capsys.readouterr().out
    assert "codes.en.toml: file missing" in out
