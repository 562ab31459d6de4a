"""annotate(): each reply explained from its key, with what the learner typed; foreign replies by code."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.lessons.annotate import annotate, annotate_reply, exchange_fields
from simulator.lessons.entries import code_entry
from simulator.lessons.load import LANGS, Library
from simulator.lessons.scenarios import load_scenario
from simulator.protocol import CATALOGUE, Exchange, Policy, Session, State, make_reply
from simulator.protocol.rules import CustomReply, Event, Explanation, Rule, Scenario
from tests.dialogue import IN_DATA, send, session_after
from tests.lessons.conftest import FIXTURE_CODES

SAMPLE = {"field": "From", "host": "mx.example", "domain": "c.example", "path": "a@b.example", "verb": "HELOO",
          "argument": "x", "queue_id": "S1-1", "limit": 100, "size": 5, "usage": "VRFY <user>",
          "summary": "s", "peer": "192.0.2.1", "forward": "a@new.b.example", "wait": 60,
          "helo": "x", "scenario": "realistic", "author_domain": "yahoo.com",
          "client": "192.0.2.1", "sender_domain": "bank.example", "lesson": "hello",
          "done": 2, "total": 3, "url": "http://mx.example:8025/s/tok"}


PLACEHOLDER_NAMES = ("{verb}", "{argument}", "{line}", "{code}", "{host}", "{state}", "{limit}")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_reply_key_has_its_own_explanation(key: str, lang: str) -> None:
    exchange = Exchange(b"HELOO x\r\n", None, make_reply(key, **SAMPLE), State.GREETED,
                        State.GREETED)
    a = annotate(exchange, lang)
    entry = code_entry(exchange.reply.code, lang)
    assert a.key == key
    assert a.why and a.fix and a.rfc and a.rfc.startswith("RFC ")
    assert a.why != entry.when, "fell back to the code entry: no text for this key"
    for name in PLACEHOLDER_NAMES:
        assert name not in a.why + a.fix


def test_session_replies_are_explained_with_what_was_typed() -> None:
    session = session_after(b"EHLO c.example\r\n")
    [exchange] = send(session, "RCPT TO:<bob@example.org>")
    a = annotate(exchange, "en")
    assert a.title.startswith("503 ")
    assert a.meaning.startswith("5xx")
    assert a.see == "smtp-sim explain 503"


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


def test_limit_comes_from_the_reply_the_engine_built(library: Library) -> None:
    [long_line] = send(session_after(), "NOOP " + "x" * 600)
    assert annotate(long_line, "en", library=library).why == "limit=512"
    reply = make_reply("limits.too-many-recipients", limit=7)
    exchange = Exchange(b"RCPT TO:<a@b.example>\r\n", None, reply, State.RCPT, State.RCPT)
    assert annotate(exchange, "en", library=library).why == "limit=7"


def test_host_is_the_one_the_reply_was_built_with(library: Library) -> None:
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


@pytest.mark.parametrize(("key", "lang", "title", "never"), [
    # RFC 3207 §4: 530 for a missing STARTTLS is no authentication refusal
    ("tls.required", "en", "530 STARTTLS required first", "Authentication"),
    ("tls.required", "zh", "530 必须先发送 STARTTLS", "认证"),
    ("auth.required", "en", "530 Authentication required", "STARTTLS"),
    ("auth.required", "zh", "530 需要认证", "STARTTLS"),
    # RFC 5321 §4.3.2: a malformed message after the dot is 550, and no mailbox is to blame
    ("data.line-too-long", "en", "550 Message refused: a text line is too long", "mailbox"),
    ("data.line-too-long", "zh", "550 邮件被拒：有一行文字太长", "邮箱"),
    ("data.bare-lf", "en", "550 Message refused: a bare LF", "mailbox"),
    ("data.bare-cr", "zh", "550 邮件被拒：含有裸 CR", "邮箱"),
    ("data.dmarc-reject", "en", "550 Message refused: the From: domain's DMARC policy says reject",
     "mailbox"),
])
def test_a_reply_is_titled_for_what_happened(key: str, lang: str, title: str,
                                             never: str) -> None:
    exchange = Exchange(b"MAIL FROM:<a@b.example>\r\n", None, make_reply(key, **SAMPLE),
                        State.GREETED, State.GREETED)
    shown = annotate(exchange, lang).title
    assert shown == title and never not in shown


@pytest.mark.parametrize(("lang", "ready"), [("en", "the greeting answers no command"),
                                             ("zh", "问候语不是对任何命令的回复")])
def test_the_greeting_is_not_called_a_command_carried_out(lang: str, ready: str) -> None:
    """The 220 greeting (and a saved transcript's first line) answers no command."""
    greeting = Session().greeting()
    meaning = annotate(greeting, lang).meaning
    assert ready in meaning and "command was carried out" not in meaning


# -- the facts come from the reply (Reply.fields) and the exchange (Exchange.verb) ---------

LIMIT_KEYS = ("limits.line-too-long", "auth.line-too-long", "data.line-too-long",
              "limits.local-part-too-long", "limits.path-too-long", "limits.message-too-big")


@pytest.fixture
def limits_library(tmp_path: Path) -> Library:
    (tmp_path / "codes.en.toml").write_text(FIXTURE_CODES, encoding="utf-8")
    (tmp_path / "keys.en.toml").write_text("".join(
        f'["{key}"]\nwhy = "{key} limit={{limit}}"\nfix = "-"\nrfc = "RFC 5321"\n'
        for key in LIMIT_KEYS), encoding="utf-8")
    return Library(tmp_path)


@pytest.mark.parametrize(("setup", "policy", "line", "why"), [
    ((), Policy(), "NOOP " + "x" * 600, "limits.line-too-long limit=512"),
    ((), Policy(auth=True, tls=False), "AUTH PLAIN " + "x" * 13000,
     "auth.line-too-long limit=12288"),
    ((b"EHLO c\r\n",), Policy(), "MAIL FROM:<" + "a" * 65 + "@b.example>",
     "limits.local-part-too-long limit=64"),
    ((b"EHLO c\r\n",), Policy(), "MAIL FROM:<" + "a" * 60 + "@" + "b" * 200 + ".example>",
     "limits.path-too-long limit=256"),
    (IN_DATA, Policy(), "x" * 1200 + "\r\n.", "data.line-too-long limit=1000"),
    (IN_DATA, Policy(max_message_size=100), "x" * 200 + "\r\n.",
     "limits.message-too-big limit=100"),
])
def test_each_refusal_names_the_limit_it_applied(setup: tuple[bytes, ...], policy: Policy,
                                                 line: str, why: str,
                                                 limits_library: Library) -> None:
    [exchange] = send(session_after(*setup, policy=policy), line)
    assert annotate(exchange, "en", library=limits_library).why == why


def test_a_rule_that_replaces_the_reply_keeps_the_servers_host() -> None:
    """The realistic scenario refuses to relay with a reply whose text names no host: the
    explanation still names the server the learner talks to, not a default one."""
    policy = Policy(hostname="mx.school.example", scenario=load_scenario("realistic"))
    [refused] = send(session_after(b"EHLO c.example\r\n", b"MAIL FROM:<a@b.example>\r\n",
                                   policy=policy), "RCPT TO:<x@far-away.example>")
    assert refused.reply.key == "rcpt.relay-denied"
    for lang in LANGS:
        assert "mx.school.example" in annotate(refused, lang).why
        assert Policy().hostname not in annotate(refused, lang).why


def test_a_rules_own_reply_text_is_explained_with_the_servers_facts(library: Library) -> None:
    explain = Explanation("en", "{host} takes {limit} messages a minute; {verb} waits.", "-")
    slow = Rule("slow", Event.MAIL, reply=CustomReply(450, "4.7.1", "Slow down, please"),
                explain=(explain,))
    policy = Policy(hostname="mx.school.example",
                    scenario=Scenario("test", rules=(slow,), rate_limit=12))
    [exchange] = send(session_after(b"EHLO c.example\r\n", policy=policy),
                      "mail from:<a@b.example>")
    assert annotate(exchange, "en", library=library).why == (
        "mx.school.example takes 12 messages a minute; MAIL waits.")


def test_the_verb_of_a_refused_line_is_the_one_the_engine_read(library: Library) -> None:
    [exchange] = send(session_after(b"EHLO c.example\r\n"), "mail FROM:bob@b.example")
    assert exchange.reply.code == 501 and exchange.verb is not None
    assert exchange_fields(exchange)["verb"] == "MAIL"
    [typo] = send(session_after(), "heloo x")
    assert exchange_fields(typo)["verb"] == "heloo"  # no verb read: the word as typed
