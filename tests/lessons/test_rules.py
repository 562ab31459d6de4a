"""The lesson-data rules shared by ``lessons check`` and the tests."""

from __future__ import annotations

import pytest

from simulator.lessons.rules import is_rfc_reference, reads_as_chinese, reads_as_english


@pytest.mark.parametrize(("text", "chinese"), [
    ("服务器关闭连接", True),
    ("㐀 is in Extension A", True),  # U+3400, the first of Extension A
    ("the server closes the channel", False),
    ("，。！？", False),  # punctuation alone is not a translation
])
def test_reads_as_chinese(text: str, chinese: bool) -> None:
    assert reads_as_chinese(text) is chinese


def test_english_may_quote_a_short_chinese_example_only() -> None:
    assert reads_as_english("an address such as 用户@例子.中国 needs SMTPUTF8")
    assert not reads_as_english("服务器关闭了传输通道，会话结束")


@pytest.mark.parametrize(("text", "ok"), [
    ("RFC 5321 §4.1.1.1", True),
    ("RFC 5321 §4.5.3.1.4; RFC 3463 §3.6", True),
    ("RFC 4954 §4", True),
    ("RFC 5321", False),  # a section is part of a rule
    ("see RFC 5321 §4.2", False),
    ("RFC 5321 §4.2;", False),
])
def test_an_rfc_reference_names_an_rfc_and_a_section(text: str, ok: bool) -> None:
    assert is_rfc_reference(text) is ok
