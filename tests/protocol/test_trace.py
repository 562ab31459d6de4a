"""The trace header the engine prepends: the injected clock's moment, written as RFC 5322 says."""

from __future__ import annotations

import datetime
import email.utils

import pytest

from simulator.protocol import Session
from simulator.protocol.trace import date_header
from tests.dialogue import IN_DATA, send


def test_clock_is_injected_for_the_received_header() -> None:
    import datetime

    moment = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)
    session = Session(clock=lambda: moment, peer="127.0.0.1:5000")
    session.greeting()
    exchanges = send(session, *[line.decode().rstrip() for line in IN_DATA], ".")
    message = exchanges[-1].message
    assert message is not None
    assert b"(127.0.0.1:5000)" in message.content
    assert b"Sun, 29 Nov 2026 12:00:00 +0000" in message.content


@pytest.mark.parametrize("moment", [
    datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 2, 6, 5, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
    datetime.datetime(2024, 2, 29, 23, 59, 59,
                      tzinfo=datetime.timezone(-datetime.timedelta(hours=3, minutes=30))),
    datetime.datetime(2001, 9, 9, 1, 46, 40),  # no zone: -0000, RFC 5322 §3.3
])
def test_the_received_date_is_rfc_5322_as_email_utils_writes_it(
        moment: datetime.datetime) -> None:
    assert date_header(moment) == email.utils.format_datetime(moment)


def test_an_implicit_tls_port_says_so_in_the_received_comment() -> None:
    """Port 465 (RFC 8314 §3.3): RFC 3848 has no protocol name for it, so the comment says it."""
    from simulator.protocol import Policy

    lines = [line.decode().rstrip() for line in IN_DATA]
    for policy, comment in ((Policy(hostname="smtp.example.org"), b"(smtp-sim)"),
                            (Policy(hostname="smtp.example.org", implicit_tls=True),
                             b"(smtp-sim, implicit TLS)")):
        session = Session(policy)
        session.greeting()
        message = send(session, *lines, ".")[-1].message
        assert message is not None
        assert b"by smtp.example.org " + comment + b" with ESMTP id" in message.content
