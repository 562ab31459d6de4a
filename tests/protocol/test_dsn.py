"""The server's own bounce (RFC 3464): one block per recipient that fails after the 250,
the returned header section, a null reverse-path, none for a message sent with MAIL FROM:<>;
read back by smtp-sim explain's reader as the same facts."""

from __future__ import annotations

import datetime
import email
import email.policy
import email.utils

from simulator.lessons.bounces import read_bounce
from simulator.protocol import Envelope, ReceivedMessage
from simulator.protocol.dsn import later_report
from simulator.protocol.later import Later, LaterFailure
from simulator.protocol.patterns import Glob

MOMENT = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)
LATER = Later((LaterFailure(Glob.compile("gone@*"), "rcpt.user-unknown", "store.internal"),
               LaterFailure(Glob.compile("slow@*"), "rcpt.mailbox-busy")),
              (("en", "Mail system at {host}.\nNot delivered."), ("zh", "{host} 上的邮件系统。")))


def message(sender: str, *recipients: str) -> ReceivedMessage:
    content = (b"Received: from c.example by mx.example.org; Mon, 7 Dec 2026 09:29:00 +0000\r\n"
               b"Subject: lunch\r\n\r\nsecret body\r\n")
    return ReceivedMessage("S1-1", Envelope(sender, recipients, "c.example", "192.0.2.1"),
                           content)


def report_of(*recipients: str, sender: str = "ann@example.org") -> ReceivedMessage | None:
    return later_report(message(sender, *recipients), LATER, hostname="mx.example.org",
                        moment=MOMENT)


def test_a_recipient_failing_later_gets_a_report_to_the_sender() -> None:
    report = report_of("bob@example.com", "gone@example.com")
    assert report is not None
    assert (report.envelope.sender, report.envelope.recipients) == ("", ("ann@example.org",))
    parsed = email.message_from_bytes(report.content, policy=email.policy.compat32)
    assert parsed.get_content_type() == "multipart/report"
    assert parsed.get_param("report-type") == "delivery-status"
    assert parsed["Auto-Submitted"] == "auto-replied"
    notice, status, headers = parsed.get_payload()
    assert status.get_content_type() == "message/delivery-status"
    words = notice.get_payload(decode=True).decode()
    assert "Mail system at mx.example.org.\r\nNot delivered." in words
    assert "mx.example.org 上的邮件系统。" in words
    assert "<gone@example.com>: 550 5.1.1 <gone@example.com>: " in words
    assert headers.get_content_type() == "text/rfc822-headers"
    assert b"secret body" not in report.content  # only the header section is returned


def test_the_report_reads_back_as_the_same_facts() -> None:
    report = report_of("gone@example.com", "slow@example.com", "bob@example.com")
    assert report is not None
    bounce = read_bounce(report.content)
    assert bounce.reporting_mta == "mx.example.org"
    assert [(f.recipient, f.action, f.code, f.status, f.remote_mta) for f in bounce.failures] \
        == [("gone@example.com", "failed", 550, "5.1.1", "store.internal"),
            ("slow@example.com", "delayed", 450, "4.2.1", "")]
    assert bounce.hops == ("c.example -> mx.example.org",)


def test_no_report_when_no_recipient_fails_later() -> None:
    assert report_of("bob@example.com") is None


def test_no_report_on_a_message_with_a_null_reverse_path() -> None:
    """RFC 3461 §6.2, RFC 5321 §4.5.5: never bounce a bounce."""
    assert report_of("gone@example.com", sender="") is None


def test_the_report_is_dated_as_email_utils_dates_it() -> None:
    """The Date header and Arrival-Date are RFC 5322 dates, the same as email.utils writes,
    whatever the moment's zone (written without importing the email package)."""
    zones = (datetime.UTC, datetime.timezone(datetime.timedelta(hours=-3, minutes=-30)),
             datetime.timezone(datetime.timedelta(hours=8)))
    for zone in zones:
        moment = datetime.datetime(2026, 2, 28, 23, 5, 9, 123456, tzinfo=zone)
        report = later_report(message("ann@example.org", "gone@example.com"), LATER,
                              hostname="mx.example.org", moment=moment)
        assert report is not None
        parsed = email.message_from_bytes(report.content, policy=email.policy.compat32)
        assert parsed["Date"] == email.utils.format_datetime(moment)
        assert email.utils.format_datetime(moment) in report.content.decode()
