"""Completion that follows the SMTP grammar."""

from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from simulator.faces.prompt.completion import CompletionContext, SmtpCompleter, suggestions
from simulator.faces.prompt.spec import MetaSpec
from simulator.faces.shell.meta import SPECS

CTX = CompletionContext(addresses=("alice@example.org", "bob@example.net"))


def texts(before: str, ctx: CompletionContext = CTX) -> list[str]:
    return [s.text for s in suggestions(before, ctx)]


def test_verbs_first() -> None:
    assert texts("EH") == ["EHLO"]
    assert texts("r") == ["RCPT", "RSET"]
    assert set(texts("")) >= {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "QUIT"}


def test_argument_shapes() -> None:
    assert texts("MAIL ") == ["FROM:<"]
    assert texts("RCPT ") == ["TO:<"]
    assert texts("mail f") == ["FROM:<"]


def test_addresses_used_before_inside_brackets() -> None:
    assert texts("RCPT TO:<b") == ["<bob@example.net>"]
    assert "<alice@example.org>" in texts("MAIL FROM:<")
    assert "<alice@example.org>" in texts("MAIL FROM:")  # the whole argument, < included
    assert "<>" in texts("MAIL FROM:<")  # the null sender <>
    assert "<>" not in texts("RCPT TO:<")


def test_only_accepted_senders_for_mail_and_recipients_for_rcpt() -> None:
    ctx = CompletionContext(senders=("me@here.example",), recipients=("you@there.example",))
    mail = suggestions("MAIL FROM:", ctx)
    assert [s.text for s in mail][:1] == ["<me@here.example>"]
    assert "<you@there.example>" not in [s.text for s in mail]
    assert mail[0].meta == "sender the server accepted"
    rcpt = suggestions("RCPT TO:<", ctx)
    assert [s.text for s in rcpt][:1] == ["<you@there.example>"]
    assert "<me@here.example>" not in [s.text for s in rcpt]
    assert all(s.meta for s in rcpt)


def test_mail_parameters_after_the_path_not_repeated() -> None:
    assert texts("MAIL FROM:<a@b.c> ") == ["SIZE=", "BODY=7BIT", "BODY=8BITMIME", "SMTPUTF8"]
    assert texts("MAIL FROM:<a@b.c> BODY=8") == ["BODY=8BITMIME"]
    assert "SIZE=" not in texts("MAIL FROM:<a@b.c> SIZE=10 ")
    assert texts("RCPT TO:<a@b.c> ") == []


def test_meta_commands_and_their_arguments() -> None:
    ctx = CompletionContext(metas=SPECS)
    assert texts(":st", ctx) == [":state"]
    assert texts(":lang ", ctx) == ["en", "zh"]
    assert texts(":eol l", ctx) == ["lf"]
    assert "221" in texts(":explain 2", ctx)


def test_only_the_faces_own_meta_commands_are_offered() -> None:
    ctx = CompletionContext(metas=(MetaSpec("hint", ":hint"), MetaSpec("goal", ":goal")))
    assert texts(":", ctx) == [":hint", ":goal"]
    assert texts(":st", ctx) == []


def test_message_text_completes_only_headers() -> None:
    ctx = CompletionContext(in_data=True)
    assert texts("Sub", ctx) == ["Subject: "]
    assert texts("MAIL ", ctx) == []


def test_completer_replaces_the_typed_prefix() -> None:
    completer = SmtpCompleter(lambda: CTX)
    [completion] = completer.get_completions(Document("RCPT TO:<al"), CompleteEvent())
    assert completion.text == "<alice@example.org>"
    assert completion.start_position == -3


def test_each_command_is_described_in_the_learners_language() -> None:
    for lang in ("en", "zh"):
        described = {s.text: s.meta for s in suggestions("", CompletionContext(lang=lang))
                     if s.meta}
        assert set(described) >= {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "QUIT"}
    zh = {s.text: s.meta for s in suggestions("E", CompletionContext(lang="zh"))}
    assert "扩展" in zh["EHLO"]
    en = {s.text: s.meta for s in suggestions("E", CompletionContext(lang="en"))}
    assert "extensions" in en["EHLO"]
