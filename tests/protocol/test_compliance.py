"""The required header fields (RFC 5322 §3.6; Gmail's 550 5.7.1): a policy switch refuses a
message without From:, Date: or Message-ID: after the final dot, and only when switched on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.protocol import Policy, Session
from simulator.protocol.compliance import REQUIRABLE, header_problem
from tests.dialogue import send
from tests.protocol.test_session_properties import replies_for, split_at

ALL = REQUIRABLE
WHOLE = (b"From: Bob <bob@example.com>\r\nDate: Mon, 7 Dec 2026 08:00:00 +0000\r\n"
         b"Message-ID: <1@example.com>\r\nSubject: Hi\r\n\r\nHello\r\n")


def _end(policy: Policy, *header: str) -> str:
    session = Session(policy)
    session.greeting()
    lines = ("EHLO client.example", "MAIL FROM:<bob@example.com>", "RCPT TO:<alice@example.org>",
             "DATA", *header, "", "Hello", ".")
    exchanges = send(session, *lines)
    last = exchanges[-1].reply
    return f"{last.code} {last.enhanced} {last.key} {last.text}"


def test_a_message_without_from_is_refused_after_the_dot_when_switched_on() -> None:
    reply = _end(Policy(required_headers=ALL), "Subject: Hi")
    assert reply.startswith("550 5.7.1 data.header-missing")
    assert "the From: header field is missing" in reply


def test_the_strict_default_still_accepts_a_message_without_any_header() -> None:
    assert _end(Policy(), "Subject: Hi").startswith("250 2.0.0 data.accepted")


@pytest.mark.parametrize(("header", "key", "field"), [
    (("Date: Mon, 7 Dec 2026 08:00:00 +0000", "Message-ID: <1@x>"), "data.header-missing", "From"),
    (("From: bob@example.com", "Message-ID: <1@x>"), "data.header-missing", "Date"),
    (("From: bob@example.com", "Date: Mon, 7 Dec 2026 08:00:00 +0000"),
     "data.message-id-missing", "Message-ID"),
    (("From: bob@example.com", "from: eve@example.com", "Date: x", "Message-ID: <1@x>"),
     "data.header-repeated", "From"),
    (("From: Bob", "Date: x", "Message-ID: <1@x>"), "data.from-invalid", "From"),
])
def test_each_problem_has_its_own_key(header: tuple[str, ...], key: str, field: str) -> None:
    reply = _end(Policy(required_headers=ALL), *header)
    assert reply.split()[:3] == ["550", "5.7.1", key]
    assert f"{field}:" in reply


def test_all_three_are_accepted_and_only_the_required_ones_are_judged() -> None:
    assert _end(Policy(required_headers=ALL), "From: bob@example.com", "Date: Mon, 7 Dec 2026",
                "Message-ID: <1@example.com>").startswith("250 ")
    assert _end(Policy(required_headers=("From",)), "From: bob@example.com").startswith("250 ")


def test_a_header_line_in_the_body_or_a_folded_line_does_not_count() -> None:
    assert header_problem(b"Subject: x\r\n\r\nFrom: bob@example.com\r\n", ("From",)) is not None
    folded = b"From: Bob\r\n <bob@example.com>\r\nDate: x\r\n Date: y\r\nMessage-ID: <1@x>\r\n\r\n"
    assert header_problem(folded, ALL) is None
    assert header_problem(WHOLE, ALL) is None
    assert header_problem(b"", ()) is None


HEADER_LINES = [b"From: a@b.example", b"from:a@b.example", b"From: Bob", b"Date: x",
                b"Message-ID: <1@b>", b" folded", b"\tfolded", b"Subject: x", b"From:",
                b"X: \xff\xfe", b"", b"Date", b"message-id: <2@b>", b"To: c@d.example"]


@given(st.lists(st.sampled_from(HEADER_LINES), max_size=12), st.lists(st.integers(min_value=0),
                                                                      max_size=15))
def test_any_header_gets_250_or_a_550_5_7_1_and_the_same_however_it_is_split(
        lines: list[bytes], cuts: list[int]) -> None:
    policy = Policy(required_headers=ALL)
    data = (b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"
            + b"".join(line + b"\r\n" for line in lines) + b"\r\nbody\r\n.\r\nQUIT\r\n")
    whole = replies_for([data], policy)
    assert replies_for(split_at(data, cuts), policy) == whole
    last = whole[-2]
    assert last.startswith((b"250 2.0.0 OK", b"550 5.7.1 Message"))
