"""The wording helpers: a sentence matches whatever its wording, and only with its fields."""

from __future__ import annotations

import pytest

from simulator.lessons.ui import text

from .wording import opening, said, says, shows


def test_a_rendered_sentence_is_said() -> None:
    out = "smtp> :save t.txt\n" + text("console.saved", "en", path="t.txt", count=3) + "\n"
    assert says(out, "console.saved", path="t.txt", count=3)
    assert says(out, "console.saved", path="t.txt")


def test_another_field_value_or_another_sentence_is_not_said() -> None:
    out = text("console.saved", "en", path="t.txt", count=3)
    assert not says(out, "console.saved", path="u.txt")
    assert not says(out, "console.save-failed", path="t.txt")


def test_a_placeholder_left_unfilled_is_not_said() -> None:
    out = "Transcript saved to {path} (3 exchanges)."
    assert shows(out, "Transcript saved to {path} ({count} exchanges).", count=3)
    assert not shows(out, "Transcript saved to {path} ({count} exchanges).", path="t.txt")


def test_a_wrapped_sentence_is_said() -> None:
    sentence = text("console.closed", "en")
    words = sentence.split(" ")
    wrapped = " ".join(words[:4]) + "\n    " + " ".join(words[4:])
    assert says(wrapped, "console.closed")


def test_a_field_the_sentence_lacks_is_an_error_of_the_test() -> None:
    with pytest.raises(AssertionError, match="port"):
        says("anything", "console.saved", port=25)


def test_opening_stops_at_the_first_placeholder_not_given() -> None:
    assert text("console.saved", "en", path="t.txt", count=3).startswith(opening("console.saved", path="t.txt"))
    assert "{" not in opening("console.saved") and "t.txt" not in opening("console.saved")


def test_said_lists_a_placeholders_values_in_order() -> None:
    out = "\n".join(text("learn.tick", "en", index=n, goal="g") for n in (2, 1, 3))
    assert said(out, "learn.tick", "index") == ["2", "1", "3"]
    assert said(out, "learn.undone", "index") == []


def test_chinese_wrapped_between_two_characters_is_said() -> None:
    sentence = text("console.closed", "zh")
    assert says(sentence[:5] + "\n" + sentence[5:], "console.closed", "zh")
    assert not says(sentence[:5] + "X" + sentence[5:], "console.closed", "zh")
