"""The checks on Exchanges the engine really produced: address classes of the scenario in
force, references to what an earlier step saw ("the same command", "the same recipient"),
declared 8-bit content, and the first failing condition a near-miss note explains."""

from __future__ import annotations

import pytest

from simulator.lessons.course import AddressRef, Check, MessageCheck, matches
from simulator.lessons.course.addresses import scenario_named
from simulator.lessons.course.checks import Context, Seen, first_failure, seen_in
from simulator.protocol import Exchange, Policy, Session

REALISTIC = Context(scenario_named("realistic"))


def exchanges(*lines: str, eol: bytes = b"\r\n", realistic: bool = False) -> list[Exchange]:
    policy = Policy(scenario=scenario_named("realistic")) if realistic else Policy()
    session = Session(policy)
    out = [session.greeting()]
    for line in lines:
        out += session.receive_data(line.encode() + eol)
    return out


def rcpt(address: str) -> Exchange:
    return exchanges("EHLO c.example", "MAIL FROM:<carol@example.org>", f"RCPT TO:<{address}>",
                     realistic=True)[-1]


@pytest.mark.parametrize(("kind", "address", "expected"), [
    ("local", "bob@example.com", True),
    ("local", "Bob@EXAMPLE.net", True),
    ("local", "friend@elsewhere.example", False),
    ("foreign", "friend@elsewhere.example", True),
    ("foreign", "alice@example.org", False),
    ("known", "alice@example.com", True),
    ("known", "nobody@example.com", False),
    ("known", "someone@gmail.com", False),
    ("unknown", "nobody@example.net", True),
    ("unknown", "NOBODY@example.com", True),
    ("unknown", "alice@example.com", False),
    ("greylisted", "greylist@example.org", True),
    ("greylisted", "bob@example.org", False),
])
def test_an_address_class_is_what_the_scenario_says(kind: str, address: str,
                                                   expected: bool) -> None:
    check = Check(address=AddressRef(kind=kind))
    assert matches(check, rcpt(address), REALISTIC) is expected


def test_the_address_of_an_earlier_step_any_spelling_of_it() -> None:
    context = Context(seen={"greylisted": Seen("RCPT", "greylist@example.com")})
    check = Check(address=AddressRef(step="greylisted"))
    assert matches(check, rcpt("GreyList@Example.COM"), context)
    assert first_failure(check, rcpt("bob@example.com"), context) == "address"
    assert first_failure(check, rcpt("greylist@example.com"), Context()) == "address"


def test_the_same_command_is_the_same_verb_and_parameters_as_the_step_saw() -> None:
    bare = exchanges("HELO c.example", eol=b"\n")[-1]
    assert bare.reply.key == "syntax.bare-lf"
    context = Context(seen={"bare": seen_in(bare)})
    check = Check(code=250, same="bare")
    assert matches(check, exchanges("helo other.example")[-1], context)
    assert first_failure(check, exchanges("EHLO c.example")[-1], context) == "same"
    assert first_failure(check, exchanges("NOOP")[-1], Context()) == "same"


def test_the_same_mail_from_keeps_its_parameters() -> None:
    refused = exchanges("HELO c.example", "MAIL FROM:<a@x.org> BODY=8BITMIME")[-1]
    assert refused.reply.key == "syntax.parameters-need-ehlo"
    context = Context(seen={"refused": seen_in(refused)})
    check = Check(keys=("mail.accepted",), same="refused")
    assert matches(check, exchanges("EHLO c.example", "mail from:<b@y.org> body=8bitmime")[-1],
                   context)
    assert not matches(check, exchanges("EHLO c.example", "MAIL FROM:<a@x.org> SIZE=10")[-1],
                       context)


def delivered(mail: str, body: str) -> Exchange:
    return exchanges("EHLO c.example", mail, "RCPT TO:<b@x.org>", "DATA", "Subject: x", "",
                     body, ".")[-1]


@pytest.mark.parametrize(("mail", "body", "expected"), [
    ("MAIL FROM:<用户@x.org> SMTPUTF8", "你好", True),
    ("MAIL FROM:<a@x.org> BODY=8BITMIME", "Grüße", True),
    ("MAIL FROM:<a@x.org>", "你好", False),
    ("MAIL FROM:<用户@x.org> SMTPUTF8", "ASCII only", False),
])
def test_utf8_text_declared_either_way_counts(mail: str, body: str, expected: bool) -> None:
    check = Check(message=MessageCheck(utf8=True, declared_8bit=True))
    assert matches(check, delivered(mail, body)) is expected


def test_message_recipients_by_class_and_by_step() -> None:
    message = exchanges("EHLO c.example", "MAIL FROM:<carol@example.org>",
                        "RCPT TO:<nobody@example.com>", "RCPT TO:<dave@example.net>", "DATA",
                        "Subject: x", "", "text", ".", realistic=True)[-1]
    seen = {"known": Seen("RCPT", "DAVE@example.net"), "unknown": Seen("RCPT", "nobody@example.com")}
    context = Context(scenario_named("realistic"), seen)
    both = MessageCheck(recipient=AddressRef(step="known"), not_recipient=AddressRef(step="unknown"))
    assert matches(Check(message=both), message, context)
    foreign = MessageCheck(recipient=AddressRef(kind="foreign"))
    assert first_failure(Check(message=foreign), message, context) == "message"


@pytest.mark.parametrize(("check", "reason"), [
    (Check(keys=("session.ehlo",), code=250), "key"),
    (Check(code=221), "code"),
    (Check(code=250, enhanced="2.0.0"), "enhanced"),
    (Check(verb="EHLO"), "verb"),
    (Check(min_lines=2), "lines"),
    (Check(closes=True), "closes"),
    (Check(code=250, message=MessageCheck()), "message"),
    (Check(code=250), None),
])
def test_the_first_failing_condition_is_named(check: Check, reason: str | None) -> None:
    assert first_failure(check, exchanges("HELO c.example")[-1]) == reason


def test_a_message_check_tells_bare_lf_text_from_crlf_text() -> None:
    def message(eol: bytes) -> Exchange:
        session = Session(Policy(accept_bare_lf=True))
        out = [session.greeting()]
        for line in ("EHLO c.example", "MAIL FROM:<a@x.org>", "RCPT TO:<b@x.org>", "DATA"):
            out += session.receive_data(line.encode() + b"\r\n")
        return session.receive_data(b"Subject: s\r\n\r\nHi" + eol + b"MAIL FROM:<c@x.org>\r\n"
                                    b".\r\n")[-1]

    lf, crlf = message(b"\n"), message(b"\r\n")
    smuggled = Check(message=MessageCheck(bare_lf=True, body_line_starts="MAIL FROM:"))
    assert matches(smuggled, lf) and not matches(smuggled, crlf)
    assert first_failure(smuggled, crlf) == "message"
    clean = Check(message=MessageCheck(bare_lf=False))
    assert matches(clean, crlf) and not matches(clean, lf)
    assert matches(Check(message=MessageCheck()), lf) and matches(Check(message=MessageCheck()), crlf)
