"""argparse's own words in the user's language: errors, the usage prefix, the headings."""

from __future__ import annotations

import pytest

from simulator.render.helptext import in_lang


@pytest.mark.parametrize(("message", "lang", "said"), [
    ("argument --port: invalid int value: 'x'", "zh", "参数 --port：'x' 不是整数"),
    ("argument --port: invalid int value: 'x'", "en", "argument --port: 'x' is not a whole number"),
    ("argument --pace: invalid float value: 'x'", "en", "argument --pace: 'x' is not a number"),
    ("argument --lang: invalid choice: 'fr' (choose from 'en', 'zh')", "zh",
     "参数 --lang：无效的选择：'fr'（可选：'en', 'zh'）"),
    ("unrecognized arguments: --version -x", "zh", "无法识别的参数：--version -x"),
    ("argument --connect: expected one argument", "zh", "参数 --connect：需要一个值"),
])
def test_argparse_messages_are_said_in_the_language(message: str, lang: str,
                                                    said: str) -> None:
    assert in_lang(message, lang) == said


def test_a_message_argparse_did_not_write_is_kept() -> None:
    """An option's own refusal is already in words of ours; it is not matched again."""
    own = "argument --error-sleep: must be seconds from 0 to 60, not 99"
    assert in_lang(own, "en") == own
