"""The header fields the rules read after the final dot: the author of the header From:."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.protocol.headers import HEADER_LIMIT, author_address, author_domain, header_value


@pytest.mark.parametrize(("message", "author"), [
    (b"From: bob@example.com\r\n\r\nhi\r\n", "bob@example.com"),
    (b"Subject: x\r\nFROM: Bob <bob@Yahoo.com>\r\n\r\n", "bob@Yahoo.com"),
    (b"From: bob@example.com (Bob)\r\n\r\n", "bob@example.com"),
    (b"From: \"Smith, Ann\"\r\n <ann@aol.com>\r\n\r\n", "ann@aol.com"),  # folded (RFC 5322 §2.2.3)
    (b"From: a@one.example, b@two.example\r\n\r\n", "a@one.example"),  # the first author counts
    (b"From: \xe7\x94\xa8\xe6\x88\xb7 <\xe7\x94\xa8\xe6\x88\xb7@xn--fsqu00a.xn--fiqs8s>\r\n\r\n",
     "用户@xn--fsqu00a.xn--fiqs8s"),
])
def test_the_author_is_the_address_of_the_header_from(message: bytes, author: str) -> None:
    assert author_address(message) == author


@pytest.mark.parametrize("message", [
    b"Subject: no author\r\n\r\nFrom: bob@example.com\r\n",  # in the body, not the header
    b"From: undisclosed\r\n\r\n",
    b"",
    b"X-From: bob@example.com\r\n\r\n",
])
def test_no_header_from_means_no_author(message: bytes) -> None:
    assert author_address(message) is None and author_domain(message) is None


def test_the_domain_is_lower_case_and_the_subject_is_read_the_same_way() -> None:
    assert author_domain(b"From: Ann <ann@YAHOO.com>\r\n\r\n") == "yahoo.com"
    assert header_value(b"Subject: a\r\n b\r\n\r\n", "subject") == "a b"


def test_only_the_first_64_kib_are_searched() -> None:
    assert author_address(b"X: " + b"y" * HEADER_LIMIT + b"\r\nFrom: a@b.example\r\n\r\n") is None


@given(st.binary(max_size=300))
def test_any_bytes_give_an_address_or_none(message: bytes) -> None:
    found = author_address(message)
    assert found is None or "@" in found
