"""Reading bounces: each kind of sample (written from RFC 3464, Postfix's bounce(5)
templates, Gmail's and Microsoft 365's documented non-delivery texts, and swaks' transcript
markers) gives its failed recipients, replies, reporting and remote servers."""

from __future__ import annotations

import base64
import quopri
from pathlib import Path
from typing import Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.lessons.bounces import MAX_PARTS, NotABounce, read_bounce

SAMPLES: Final = Path(__file__).parent / "bounces"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_an_rfc_3464_report_gives_each_recipient_block() -> None:
    bounce = read_bounce(sample("rfc3464.eml"))
    assert bounce.kind == "dsn" and bounce.reporting_mta == "relay.example.org"
    failed, delayed = bounce.failures
    assert (failed.recipient, failed.action, failed.status, failed.code, failed.remote_mta) == (
        "bob@example.net", "failed", "5.1.1", 550, "mx.example.net")
    assert failed.diagnostic.endswith("User unknown in local recipient table")  # unfolded
    assert (delayed.recipient, delayed.action, delayed.status, delayed.code) == (
        "carol@example.com", "delayed", "4.4.1", None)
    assert bounce.hops == ("[198.51.100.7] -> mail.example.org",
                           "mail.example.org -> relay.example.org")


def test_a_postfix_bounce_is_recognised_by_its_own_fields() -> None:
    bounce = read_bounce(sample("postfix.eml"))
    assert bounce.kind == "postfix" and bounce.reporting_mta == "mx.example.org"
    (failure,) = bounce.failures
    assert (failure.recipient, failure.code, failure.status, failure.remote_mta) == (
        "dave@yahoo.example", 550, "5.7.26", "mx1.yahoo.example")
    assert bounce.hops == ("client.example.org -> mx.example.org",)


@pytest.mark.parametrize(("name", "kind", "reporter", "recipient", "code", "status"), [
    ("gmail.eml", "gmail", "googlemail.com", "erin@example.net", 550, "5.1.1"),
    ("microsoft.eml", "microsoft", "AM0PR01MB1234.eurprd01.prod.outlook.example",
     "grace@example.net", 550, "5.1.10"),
])
def test_reports_for_people_are_read_from_their_text(name: str, kind: str, reporter: str,
                                                     recipient: str, code: int,
                                                     status: str) -> None:
    bounce = read_bounce(sample(name))
    assert (bounce.kind, bounce.reporting_mta) == (kind, reporter)
    assert [(f.recipient, f.code, f.status, f.action) for f in bounce.failures] == [
        (recipient, code, status, "failed")]


def test_a_swaks_transcript_gives_each_refused_rcpt() -> None:
    bounce = read_bounce(sample("swaks.txt"))
    assert (bounce.kind, bounce.reporting_mta) == ("swaks", "mx.example.net")
    assert [(f.recipient, f.code, f.status) for f in bounce.failures] == [
        ("nobody@example.net", 550, "5.1.1"), ("greylist@example.net", 451, "4.7.1")]
    assert bounce.failures[0].diagnostic == (
        "550-5.1.1 <nobody@example.net>: Recipient address rejected: "
        "5.1.1 User unknown in local recipient table")  # both lines of the reply, once


def test_a_message_refused_after_data_in_swaks_fails_every_accepted_recipient() -> None:
    transcript = (b"=== Connected to mx.example.org.\n -> MAIL FROM:<a@example.org>\n"
                  b"<-  250 2.1.0 Ok\n -> RCPT TO:<b@example.org>\n<-  250 2.1.5 Ok\n"
                  b" -> RCPT TO:<c@example.org>\n<-  250 2.1.5 Ok\n -> DATA\n<-  354 go\n"
                  b" -> Subject: [SPAM]\n -> \n -> .\n<** 554 5.7.1 Message rejected as spam\n")
    bounce = read_bounce(transcript)
    assert [(f.recipient, f.code) for f in bounce.failures] == [
        ("b@example.org", 554), ("c@example.org", 554)]


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_an_encoded_report_part_is_decoded_first(encoding: str) -> None:
    """RFC 3464 asks for 7bit, but some servers encode the part anyway."""
    data = sample("rfc3464.eml")
    start, end = data.index(b"Reporting-MTA"), data.index(b"--b1", data.index(b"Reporting-MTA"))
    body = data[start:end]
    encoded = base64.encodebytes(body) if encoding == "base64" else quopri.encodestring(body)
    header = b"Content-Type: message/delivery-status\n"
    data = (data[:start].replace(header, header + b"Content-Transfer-Encoding: "
                                 + encoding.encode() + b"\n") + encoded + b"\n" + data[end:])
    assert [(f.recipient, f.code) for f in read_bounce(data).failures] == [
        ("bob@example.net", 550), ("carol@example.com", None)]


@pytest.mark.parametrize("data", [
    sample("not-a-bounce.eml"), b"", b"\x00\xff" * 100, b"just words\n",
    b"Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: "
    b"message/delivery-status\n\nReporting-MTA: dns; a\n\n--x--\n",
], ids=["plain-message", "empty", "binary", "text", "report-without-recipients"])
def test_what_is_no_bounce_is_refused(data: bytes) -> None:
    with pytest.raises(NotABounce) as refused:
        read_bounce(data)
    assert refused.value.reason == "not-a-bounce"


@pytest.mark.parametrize("levels", [MAX_PARTS + 1, 3000])
def test_deep_nesting_is_refused_without_recursing(levels: int) -> None:
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i)
                    for i in range(levels))
    with pytest.raises(NotABounce) as refused:
        read_bounce(head + b"Content-Type: text/plain\n\nhi\n")
    assert refused.value.reason == "too-deep"


def test_a_bounce_inside_a_bounce_reports_the_outer_one() -> None:
    inner = sample("postfix.eml")
    outer = sample("rfc3464.eml").replace(
        b"Content-Type: text/rfc822-headers\n", b"Content-Type: message/rfc822\n\n" + inner, 1)
    assert read_bounce(outer).reporting_mta == "relay.example.org"


def test_a_part_the_email_package_cannot_decode_is_unreadable() -> None:
    data = (b"Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: text/plain;"
            b" charset=\"a\x00b\"\n\nThe response from the remote server was: 550 5.1.1\n--x--\n")
    with pytest.raises(NotABounce) as refused:
        read_bounce(data)
    assert refused.value.reason == "unreadable"


def test_an_unknown_charset_is_read_as_utf8() -> None:
    data = (b'From: m@googlemail.com\nX-Failed-Recipients: a@example.net\nContent-Type: '
            b'text/plain; charset="bogus-x"\n\nThe response from the remote server was:\n'
            b"550 5.1.1 no such user\n")
    assert [(f.recipient, f.code) for f in read_bounce(data).failures] == [
        ("a@example.net", 550)]


PIECES = (b"Content-Type: multipart/report; boundary=x\n", b"--x\n", b"--x--\n", b"\n",
          b"Content-Type: message/delivery-status\n", b"Final-Recipient: rfc822; a@b.c\n",
          b"Diagnostic-Code: smtp; 550 5.1.1 no\n", b"Status: 9.9\n", b"Action: failed\n",
          b" -> RCPT TO:<a@b.c>\n", b"<** 550-5.1.1 x\n", b"<** 4\n", b"Received: by\n",
          b"Content-Type: message/rfc822\n", b"Content-Transfer-Encoding: base64\n", b"=\xff",
          b'Content-Type: text/plain; charset="bogus-x"\n', b"From: m@googlemail.com\n",
          b"The response from the remote server was:\n550 5.1.1 no\n",
          b"Content-Type: text/rfc822-headers\n", b'; charset="\x00"\n')


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.binary(max_size=40), max_size=40))
def test_any_input_is_a_bounce_or_refused_never_an_error(pieces: list[bytes]) -> None:
    """The fuzz invariant: read it, or say why not; never another exception."""
    try:
        bounce = read_bounce(b"".join(pieces))
    except NotABounce as refused:
        assert refused.reason in ("not-a-bounce", "too-deep")
    else:
        assert bounce.failures
