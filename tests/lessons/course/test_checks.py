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


@pytest.mark.parametrize(("line", "verb"), [
    ("MAIL FROM:bob@b.example", "MAIL"),  # 501: refused, yet a MAIL all the same
    ("rcpt to:<c@d.example>", "RCPT"),  # 503 before MAIL
    ("MAIL\tFROM:<a@b.example>", "MAIL\\TFROM:<A@B.EXAMPLE>"),  # no MAIL: a 500 for the word
    ("EHLLO c.example", "EHLLO"),
])
def test_the_verb_a_check_sees_is_the_one_the_engine_read(line: str, verb: str) -> None:
    exchange = exchanges("EHLO c.example", line)[-1]
    assert exchange.reply.code >= 500 and seen_in(exchange).verb == verb
    assert matches(Check(verb="MAIL"), exchange) is (verb == "MAIL")


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


def with_subject(mail: str, subject: str) -> Exchange:
    return exchanges("EHLO c.example", mail, "RCPT TO:<b@x.org>", "DATA", f"Subject: {subject}",
                     "", "text", ".")[-1]


@pytest.mark.parametrize(("mail", "subject", "kind", "expected"), [
    ("MAIL FROM:<a@x.org>", "你好", "8bit-undeclared", True),
    ("MAIL FROM:<a@x.org> BODY=8BITMIME", "你好", "8bit-undeclared", True),  # body only
    ("MAIL FROM:<a@x.org> SMTPUTF8", "你好", "8bit-undeclared", False),  # RFC 6532 allows it
    ("MAIL FROM:<a@x.org>", "=?UTF-8?B?5L2g5aW9?=", "8bit-undeclared", False),
    ("MAIL FROM:<a@x.org>", "=?UTF-8?B?5L2g5aW9?=", "encoded-word", True),
    ("MAIL FROM:<a@x.org>", "=?utf-8?q?=E4=BD=A0=E5=A5=BD?=", "encoded-word", True),
    ("MAIL FROM:<a@x.org>", "=?gb2312?B?xOO6ww==?=", "encoded-word", True),
    ("MAIL FROM:<a@x.org>", "=?UTF-8?B?aGVsbG8=?=", "encoded-word", False),  # plain hello
    ("MAIL FROM:<a@x.org>", "=?no-such-charset?B?5L2g5aW9?=", "encoded-word", False),
    ("MAIL FROM:<a@x.org>", "=?UTF-8?B?5L2g5aW9?= 你好", "encoded-word", False),  # raw too
    ("MAIL FROM:<a@x.org>", "hello", "encoded-word", False),
])
def test_how_the_header_carries_text_beyond_ascii(mail: str, subject: str, kind: str,
                                                 expected: bool) -> None:
    check = Check(message=MessageCheck(header_text=kind))
    assert matches(check, with_subject(mail, subject)) is expected


@pytest.mark.parametrize(("address", "expected"), [
    ("alice@xn--fsqu00a.xn--fiqs8s", True),
    ("alice@mail.XN--FIQS8S", True),
    ("alice@example.org", False),
    ("xn--alice@example.org", False),  # a local part is no label
])
def test_an_a_label_domain_is_a_class(address: str, expected: bool) -> None:
    [mail] = exchanges("EHLO c.example", f"MAIL FROM:<{address}>")[-1:]
    assert mail.reply.code == 250
    assert matches(Check(address=AddressRef(kind="a-label")), mail) is expected


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


def accepted_by(host: str, recipient: str, *, port: int = 25) -> Exchange:
    """The 250 at the dot of a message to ``recipient`` that the lab host ``host`` took on
    ``port`` (587 after STARTTLS and AUTH, 465 over implicit TLS and AUTH)."""
    from simulator.client.labhosts import Target, lab_policy

    policy = lab_policy(Policy(scenario=scenario_named("realistic")), Target(host, port))
    session = Session(policy)
    out = [session.greeting()]
    if port != 25:
        if port == 587:
            out += session.receive_data(b"EHLO c.example\r\nSTARTTLS\r\n")
        session.tls_started()
    for line in ("EHLO c.example", *(["AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"] if port != 25 else []),
                 "MAIL FROM:<alice@example.org>", f"RCPT TO:<{recipient}>", "DATA", "", "hi",
                 "."):
        out += session.receive_data(line.encode() + b"\r\n")
    assert out[-1].reply.key == "data.accepted", out[-1].reply
    return out[-1]


def test_best_mx_holds_for_the_lowest_preference_only() -> None:
    """RFC 5321 §5.1: mx1 (10) is campus.example's best; mx2 (20) is a backup, which accepts
    (as real backup MX hosts do) but does not count."""
    best = Check(keys=("data.accepted",), message=MessageCheck(best_mx=True))
    assert matches(best, accepted_by("mx1.campus.example", "bob@campus.example"), REALISTIC)
    assert not matches(best, accepted_by("mx2.campus.example", "bob@campus.example"), REALISTIC)
    assert matches(best, accepted_by("mx.example.org", "bob@example.org"), REALISTIC)
    assert not matches(best, accepted_by("smtp.example.org", "bob@campus.example", port=587),
                       REALISTIC)  # a submission server relayed it: no MX of that domain


def test_the_tls_of_a_message_starttls_or_implicit_and_its_login() -> None:
    on_587 = accepted_by("smtp.example.org", "bob@example.com", port=587)
    on_465 = accepted_by("smtp.example.org", "bob@example.com", port=465)
    on_25 = accepted_by("mx1.campus.example", "bob@campus.example")
    starttls = Check(message=MessageCheck(starttls=True, authenticated=True))
    implicit = Check(message=MessageCheck(implicit_tls=True, authenticated=True))
    assert [matches(starttls, e) for e in (on_587, on_465, on_25)] == [True, False, False]
    assert [matches(implicit, e) for e in (on_587, on_465, on_25)] == [False, True, False]
    tls = Check(message=MessageCheck(tls=True))
    assert [matches(tls, e) for e in (on_587, on_465, on_25)] == [True, True, False]

def _stored(*header: str, sender: str = "carol@example.org", to: tuple[str, ...] = (
        "bob@example.com",), realistic: bool = True) -> Exchange:
    rcpts = [f"RCPT TO:<{address}>" for address in to]
    return exchanges("EHLO client.example", f"MAIL FROM:<{sender}>", *rcpts, "DATA", *header,
                     "", "text", ".", realistic=realistic)[-1]


@pytest.mark.parametrize(("header", "to", "bcc", "named_not_sent"), [
    (("To: bob@example.com",), ("bob@example.com", "dave@example.com"), True, False),
    (("To: Bob <BOB@example.com>", "Cc: dave@example.com"), ("bob@example.com", "dave@example.com"),
     False, False),
    (("To: bob@example.com, erin@example.com",), ("bob@example.com",), False, True),
    (("Cc: erin@example.com",), ("bob@example.com",), True, True),
])
def test_a_blind_copy_and_an_address_named_but_never_sent_to(
        header: tuple[str, ...], to: tuple[str, ...], bcc: bool, named_not_sent: bool) -> None:
    message = _stored(*header, to=to, realistic=False)
    assert message.reply.key == "data.accepted"
    assert matches(Check(message=MessageCheck(bcc=True)), message) is bcc
    assert matches(Check(message=MessageCheck(named_not_sent=True)), message) is named_not_sent


@pytest.mark.parametrize(("sender", "spf", "dmarc"), [
    ("carol@example.org", "pass", "pass"),    # example.org's SPF lists 192.0.2.0/24
    ("bob@example.com", "softfail", "fail"),  # ~all, and example.com's DMARC is p=none
    ("erin@example.net", "none", "none"),     # no SPF record, no DMARC record
])
def test_the_verdicts_are_those_of_authentication_results(sender: str, spf: str,
                                                         dmarc: str) -> None:
    message = _stored(f"From: {sender}", sender=sender)
    assert message.message is not None
    assert f"spf={spf} ".encode() in message.message.content
    assert f"dmarc={dmarc}".encode() in message.message.content
    assert matches(Check(message=MessageCheck(spf=spf, dkim="none", dmarc=dmarc)), message)
    for wrong in (MessageCheck(spf="fail"), MessageCheck(dkim="pass"),
                  MessageCheck(dmarc="fail" if dmarc != "fail" else "pass")):
        assert not matches(Check(message=wrong), message)


def test_a_verdict_asked_of_a_message_the_strict_server_judged_not_at_all() -> None:
    message = _stored("From: someone@example.com", realistic=False)
    assert not matches(Check(message=MessageCheck(spf="none")), message)
    assert matches(Check(message=MessageCheck(bcc=False)), message)

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


def test_without_a_parameter_on_this_mail_or_the_transactions_mail() -> None:
    check = Check(keys=("mail.accepted", "rcpt.accepted"), without="SMTPUTF8")
    plain, utf8 = (exchanges("EHLO c.example", f"MAIL FROM:<a@example.org>{tail}")[-1]
                   for tail in ("", " SMTPUTF8"))
    assert matches(check, plain) and first_failure(check, utf8) == "without"
    recipient = exchanges("EHLO c.example", "MAIL FROM:<a@example.org> SMTPUTF8",
                          "RCPT TO:<b@example.net>")[-1]
    assert first_failure(check, recipient, Context(transaction=("SMTPUTF8",))) == "without"
    assert matches(check, recipient, Context(transaction=("BODY",)))


def test_a_line_in_the_group_or_on_its_own() -> None:
    data = exchanges("EHLO c.example", "MAIL FROM:<a@example.org>", "RCPT TO:<b@example.net>",
                     "DATA")[-1]
    assert matches(Check(in_group=True), data, Context(in_group=True))
    assert first_failure(Check(in_group=True), data, Context()) == "group"
    assert first_failure(Check(in_group=False), data, Context(in_group=True)) == "alone"
    assert matches(Check(in_group=False), data, Context())
