"""Command arguments as a strict server reads them: HELO/EHLO domains, paths, MAIL and RCPT
parameters, case and spacing, arguments where none belong (replayed through the engine)."""

from __future__ import annotations

import pytest

from simulator.protocol import MailFrom, Verb
from simulator.protocol.commands import (
    Hello,
    ProtocolError,
    Query,
    RcptTo,
    Simple,
    is_address_literal,
    parse_arguments,
    parse_mail,
    split_verb,
)
from tests.dialogue import GREETED, IN_MAIL, IN_RCPT, first_reply

# (setup, line sent, expected code, expected enhanced code, expected key)
DIALOGUES: list[tuple[tuple[bytes, ...], str | bytes, int, str | None, str]] = [
    # hello
    ((), "HELO client.example", 250, None, "session.helo"),
    ((), "EHLO [192.0.2.1]", 250, None, "session.ehlo"),
    ((), "EHLO [IPv6:2001:db8::1]", 250, None, "session.ehlo"),
    ((), "EHLO", 501, None, "syntax.helo-needs-domain"),
    ((), "HELO ", 501, None, "syntax.helo-needs-domain"),
    ((), "EHLO bad_name!", 501, None, "syntax.helo-bad-domain"),
    ((), "EHLO [999.1.1.1]", 501, None, "syntax.helo-bad-domain"),
    # case and spacing
    ((), "ehlo client.example", 250, None, "session.ehlo"),
    ((), "NoOp   ", 250, "2.0.0", "session.noop"),
    (GREETED, "mail from:<a@b.example>   ", 250, "2.1.0", "mail.accepted"),
    # paths (RFC 5321 §4.1.2, §4.5.3.1)
    (GREETED, "MAIL FROM:foo@example.org", 501, "5.5.4", "syntax.path-no-brackets"),
    (GREETED, "MAIL FROM:<foo@example.org", 501, "5.5.4", "syntax.path-no-brackets"),
    (GREETED, "MAIL FROM: <foo@example.org>", 501, "5.5.4", "syntax.space-after-colon"),
    (GREETED, "MAIL FROM :<foo@example.org>", 501, "5.5.4", "syntax.space-after-colon"),
    (IN_MAIL, "RCPT TO : <bob@example.net>", 501, "5.5.4", "syntax.space-after-colon"),
    (GREETED, "MAIL <foo@example.org>", 501, "5.5.4", "syntax.mail-needs-from"),
    (GREETED, "MAIL FROM:", 501, "5.5.4", "syntax.mail-needs-from"),
    (GREETED, "MAIL FROM:<>", 250, "2.1.0", "mail.accepted"),
    (GREETED, "MAIL FROM:<@relay.example:a@b.example>", 250, "2.1.0", "mail.accepted"),
    (GREETED, 'MAIL FROM:<"john doe"@example.org>', 250, "2.1.0", "mail.accepted"),
    (GREETED, "MAIL FROM:<no-at-sign>", 501, "5.1.7", "syntax.bad-sender-address"),
    (GREETED, "MAIL FROM:<a@b.example>junk", 501, "5.1.7", "syntax.bad-sender-address"),
    (GREETED, "MAIL FROM:<a..b@example.org>", 501, "5.1.7", "syntax.bad-sender-address"),
    (GREETED, f"MAIL FROM:<{'a' * 65}@example.org>", 501, "5.5.4", "limits.local-part-too-long"),
    (GREETED, f"MAIL FROM:<{'a' * 10}@{'b' * 60}.{'c' * 60}.{'d' * 60}.{'e' * 60}.org>", 501, "5.5.4",
     "limits.path-too-long"),
    (GREETED, b"MAIL FROM:<a\x00b@example.org>\r\n", 501, "5.5.2", "syntax.control-character"),
    (GREETED, b"MAIL FROM:<a\x07b@example.org>\r\n", 501, "5.5.2", "syntax.control-character"),
    (IN_MAIL, "RCPT TO:<>", 501, "5.1.3", "syntax.null-recipient"),
    (IN_MAIL, "RCPT TO:<Postmaster>", 250, "2.1.5", "rcpt.accepted"),
    (IN_MAIL, "RCPT TO:bob@example.net", 501, "5.5.4", "syntax.path-no-brackets"),
    (IN_MAIL, "RCPT <bob@example.net>", 501, "5.5.4", "syntax.rcpt-needs-to"),
    (IN_MAIL, "RCPT TO:<bob@>", 501, "5.1.3", "syntax.bad-recipient-address"),
    (IN_MAIL, "RCPT TO:<bob@example.net> NOTIFY=NEVER", 555, "5.5.4", "syntax.unknown-parameter"),
    # parameters (RFC 1870, RFC 6152, RFC 6531)
    (GREETED, "MAIL FROM:<a@b.example> SIZE=1000", 250, "2.1.0", "mail.accepted"),
    (GREETED, "MAIL FROM:<a@b.example> BODY=8BITMIME", 250, "2.1.0", "mail.accepted"),
    (GREETED, "MAIL FROM:<a@b.example> body=7bit", 250, "2.1.0", "mail.accepted"),
    (GREETED, "MAIL FROM:<a@b.example> BODY=BINARYMIME", 501, "5.5.4", "syntax.bad-parameter-value"),
    (GREETED, "MAIL FROM:<a@b.example> SIZE=lots", 501, "5.5.4", "syntax.bad-parameter-value"),
    (GREETED, "MAIL FROM:<a@b.example> SIZE=1 SIZE=2", 501, "5.5.4", "syntax.bad-parameter-value"),
    (GREETED, "MAIL FROM:<a@b.example> FOO=bar", 555, "5.5.4", "syntax.unknown-parameter"),
    (GREETED, "MAIL FROM:<a@b.example> SIZE=99999999999", 552, "5.3.4",
     "limits.size-declared-too-big"),
    ((b"HELO client.example\r\n",), "MAIL FROM:<a@b.example> SIZE=10", 555, "5.5.4",
     "syntax.parameters-need-ehlo"),
    (GREETED, "MAIL FROM:<用户@例子.中国> SMTPUTF8", 250, "2.1.0", "mail.accepted-utf8"),
    # RFC 6531 §3.5: non-ASCII without SMTPUTF8 is 550 at MAIL, 553 at RCPT (both 5.6.7)
    (GREETED, "MAIL FROM:<用户@例子.中国>", 550, "5.6.7", "mail.utf8-needs-smtputf8"),
    (GREETED, "MAIL FROM:<jörg@example.org> BODY=8BITMIME", 550, "5.6.7",
     "mail.utf8-needs-smtputf8"),
    (IN_MAIL, "RCPT TO:<用户@例子.中国>", 553, "5.6.7", "rcpt.utf8-needs-smtputf8"),
    # arguments where none belong
    (IN_RCPT, "DATA now", 501, "5.5.4", "syntax.unexpected-argument"),
    ((), "RSET please", 501, "5.5.4", "syntax.unexpected-argument"),
    ((), "QUIT now", 501, "5.5.4", "syntax.unexpected-argument"),
]


@pytest.mark.parametrize(("setup", "line", "code", "enhanced", "key"), DIALOGUES,
                         ids=[repr(d[1])[:50] for d in DIALOGUES])
def test_dialogue(setup: tuple[bytes, ...], line: str | bytes, code: int, enhanced: str | None,
                  key: str) -> None:
    assert first_reply(setup, line) == (code, enhanced, key)


def test_mail_from_reads_the_path_and_each_parameter() -> None:
    assert parse_mail("FROM:<a@b.example> size=1200 body=8bitmime") == MailFrom(
        "a@b.example", size=1200, body="8BITMIME")
    assert parse_mail("FROM:<>") == MailFrom("")
    assert parse_mail("FROM:<用户@例子.中国> SMTPUTF8") == MailFrom("用户@例子.中国", smtputf8=True)


def test_a_bad_parameter_carries_the_reply_that_names_it() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_mail("FROM:<a@b.example> SIZE=1 SIZE=2")
    assert caught.value.reply.key == "syntax.bad-parameter-value"
    assert "SIZE (given twice)" in caught.value.reply.text


@pytest.mark.parametrize(("verb", "argument", "command"), [
    (Verb.EHLO, "client.example", Hello(Verb.EHLO, "client.example")),
    (Verb.RCPT, "TO:<bob@example.net>", RcptTo("bob@example.net")),
    (Verb.RSET, "", Simple(Verb.RSET)),
    (Verb.VRFY, "bob", Query(Verb.VRFY, "bob")),
    (Verb.HELP, "", Query(Verb.HELP, "")),
])
def test_each_verb_has_its_command(verb: Verb, argument: str, command: object) -> None:
    assert parse_arguments(verb, argument) == command


def test_the_verb_is_case_insensitive_and_the_argument_trimmed() -> None:
    assert split_verb("  mAiL   FROM:<a@b.example>  ") == (Verb.MAIL, "FROM:<a@b.example>")


@pytest.mark.parametrize(("text", "literal"), [
    ("[192.0.2.1]", True), ("[IPv6:2001:db8::1]", True), ("[ipv6:::1]", True),
    ("[192.0.2.256]", False), ("[2001:db8::1]", False), ("192.0.2.1", False), ("[]", False),
])
def test_address_literals(text: str, literal: bool) -> None:
    assert is_address_literal(text) is literal
