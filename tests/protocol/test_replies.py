"""The reply catalogue: every reply well formed, enhanced codes where RFC 2034 wants them."""

from __future__ import annotations

import ast
import re

import pytest

from simulator.protocol.escape import quote
from simulator.protocol.replies import CATALOGUE, MAX_REPLY_LINE, Reply, make_reply
from tests import ROOT

SAMPLE = {"field": "From", "host": "mx.example", "domain": "c.example", "path": "a@b.example", "verb": "HELOO",
          "argument": "x", "queue_id": "S1-1", "limit": 100, "size": 5, "usage": "VRFY <user>",
          "summary": "s", "peer": "192.0.2.1", "forward": "a@new.b.example", "wait": 60,
          "helo": "x", "scenario": "realistic", "author_domain": "yahoo.com",
          "client": "192.0.2.1", "sender_domain": "bank.example", "lesson": "hello",
          "done": 2, "total": 3, "url": "http://mx.example:8025/s/tok"}
NO_ENHANCED = {"session.greeting", "session.greeting-scenario", "session.greeting-watch",
               "session.helo", "session.ehlo",
               "data.start", "syntax.helo-needs-domain", "syntax.helo-bad-domain",
               # RFC 4954 §4: a 334 carries only the base64 challenge
               "auth.plain-challenge", "auth.username-challenge", "auth.password-challenge"}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_reply_is_well_formed_on_the_wire(key: str) -> None:
    reply = make_reply(key, **SAMPLE)
    data = reply.to_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    for i, line in enumerate(lines[:-1]):
        assert len(line) + 2 <= MAX_REPLY_LINE
        sep = " " if i == len(lines) - 2 else "-"
        assert re.fullmatch(rf"[2-5][0-9][0-9]{re.escape(sep)}.*".encode(), line), line
        assert line.isascii()


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_enhanced_code_present_except_greeting_helo_and_354(key: str) -> None:
    spec = CATALOGUE[key]
    if key in NO_ENHANCED:
        assert spec.enhanced is None
    else:
        assert spec.enhanced is not None
        # RFC 3463: the class digit matches the reply's first digit.
        assert re.fullmatch(r"[245]\.[0-9]{1,3}\.[0-9]{1,3}", spec.enhanced)
        assert spec.enhanced[0] == str(spec.code)[0]


def test_keys_are_stable_dotted_names() -> None:
    for key in CATALOGUE:
        assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9-]+", key), key


def test_unknown_command_reply_reads_like_a_helpful_server() -> None:
    reply = make_reply("syntax.unknown-command", verb="HELOO")
    assert reply.to_bytes() == b'500 5.5.2 Syntax error: command "HELOO" not recognized\r\n'


def test_multiline_reply_uses_dash_continuations() -> None:
    reply = make_reply("session.ehlo", host="h", domain="d").with_lines(("PIPELINING", "HELP"))
    assert reply.wire_lines() == ["250-h Hello d, pleased to meet you", "250-PIPELINING",
                                  "250 HELP"]


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_the_last_wire_line_is_the_last_line_sent(key: str) -> None:
    reply = make_reply(key, **SAMPLE)
    for shown in (reply, reply.with_lines(("PIPELINING", "HELP")), reply.without_enhanced()):
        sent = shown.to_bytes().decode("ascii").split("\r\n")[-2]
        assert shown.last_wire_line() == sent == shown.wire_lines()[-1]


def test_quote_escapes_control_and_non_ascii_and_bounds_length() -> None:
    assert quote("\x1b[31mred") == "\\x1b[31mred"
    assert quote("中") == "?"  # RFC 6531 §3.7.4: ASCII, and never a Python escape
    assert quote("a\\b") == "a\\\\b"
    long = quote("x" * 500)
    assert len(long) == 60 and long.endswith("...")


REPLY_SHAPE = re.compile(r"(?m)^[2-5][0-9][0-9][ -]")
"""A string that starts a line with a reply code and a separator: ``"250 OK"``, ``"421-..."``."""


def reply_literals(source: str) -> list[str]:
    """String constants in ``source`` (f-string parts too) shaped like a reply; docstrings
    are prose, not replies, and are skipped."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and REPLY_SHAPE.search(node.value)]


def test_the_literal_check_finds_replies_in_strings_and_f_strings() -> None:
    source = ('"""250 in a docstring is prose."""\n'
              'a = "250 2.1.0 OK"\nb = f"{x}\\r\\n421 4.3.2 bye"\nc = "port 2525 open"\n')
    assert reply_literals(source) == ["250 2.1.0 OK", "\r\n421 4.3.2 bye"]


def test_no_reply_literal_outside_the_catalogue() -> None:
    """Design principle: every reply comes from replies.py (string constants, read by ast)."""
    offenders = [f"{path.relative_to(ROOT)}: {literal!r}"
                 for path in sorted((ROOT / "simulator").rglob("*.py"))
                 if path.name != "replies.py"
                 for literal in reply_literals(path.read_text("utf-8"))]
    assert offenders == []


# -- Reply.fields: the facts a reply was built from, kept beside its text -----------------


def test_a_reply_keeps_the_fields_it_was_built_from() -> None:
    reply = make_reply("limits.too-many-recipients", limit=7)
    assert dict(reply.fields) == {"limit": 7}
    assert reply.fact("limit") == "7" and reply.fact("host") == ""
    assert make_reply("session.noop").fields == {}


def test_the_fields_are_read_only_and_kept_by_every_variant() -> None:
    reply = make_reply("session.ehlo", host="mx.example", domain="c.example")
    with pytest.raises(TypeError):
        reply.fields["host"] = "evil.example"  # type: ignore[index]
    for variant in (reply.with_lines(("PIPELINING",)), reply.without_enhanced()):
        assert variant.fact("host") == "mx.example" and variant.fact("domain") == "c.example"


def test_a_field_the_text_does_not_show_is_kept_all_the_same() -> None:
    reply = make_reply("limits.line-too-long", limit=512)
    assert "{" not in reply.text and reply.fact("limit") == "512"


def test_fields_do_not_change_what_a_reply_equals() -> None:
    plain = Reply(250, "2.1.5", ("Recipient <a@b.example> OK",), "rcpt.accepted")
    assert make_reply("rcpt.accepted", path="a@b.example") == plain
