"""Highlighting of the typed line."""

from __future__ import annotations

from prompt_toolkit.document import Document

from simulator.faces.prompt.lexer import SmtpLexer, tokenize
from simulator.faces.shell.meta import KNOWN


def styles(line: str, **kw: bool) -> dict[str, str]:
    return {text: style for style, text in tokenize(line, **kw)}


def test_fragments_keep_the_line_exactly() -> None:
    for line in ["  MAIL FROM:<a@b.c> SIZE=10  BODY=8BITMIME", "rcpt to: <x", ":lang zh", "x\x00y",
                 "中文", ""]:
        assert "".join(text for _, text in tokenize(line)) == line


def test_mail_from_parts() -> None:
    got = styles("MAIL FROM:<a@b.c> SIZE=10")
    assert got["MAIL"] == "class:verb"
    assert got["FROM:"] == "class:keyword"
    assert got["<a@b.c>"] == "class:address"
    assert got["SIZE=10"] == "class:param"


def test_typo_and_unimplemented_verbs_are_marked() -> None:
    assert styles("HELOO x")["HELOO"] == "class:verb.unknown"
    assert styles("ehlo x")["ehlo"] == "class:verb"
    assert styles("TURN")["TURN"] == "class:verb.unimplemented"
    assert styles("STARTTLS")["STARTTLS"] == "class:verb"  # offered with --tls


def test_meta_commands_are_known_when_the_face_names_them() -> None:
    assert {text: style for style, text in tokenize(":state", metas=KNOWN)}[":state"] == \
        "class:meta"
    assert {text: style for style, text in tokenize(":q", metas=KNOWN)}[":q"] == "class:meta"
    assert {text: style for style, text in tokenize(":stat", metas=KNOWN)}[":stat"] == \
        "class:meta.unknown"
    assert styles(":state")[":state"] == "class:meta.unknown"  # a face without :state


def test_message_text_is_not_highlighted() -> None:
    assert tokenize("MAIL FROM:<x>", in_data=True) == [("", "MAIL FROM:<x>")]


def test_lexer_asks_for_data_mode_on_each_document() -> None:
    mode = {"data": False}
    lexer = SmtpLexer(lambda: mode["data"])
    assert lexer.lex_document(Document("HELOO"))(0) == [("class:verb.unknown", "HELOO")]
    mode["data"] = True
    assert lexer.lex_document(Document("HELOO"))(0) == [("", "HELOO")]
