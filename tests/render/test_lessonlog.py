"""The class summary's lesson lines: how many finished, who did not (bounded), en and zh."""

from __future__ import annotations

import pytest

from simulator.render.lessonlog import UNFINISHED_LISTED, lesson_summary


def test_the_summary_counts_who_finished_and_names_who_did_not() -> None:
    assert lesson_summary("hello", ["ann"], ["bob", "cy"], "en").splitlines() == [
        "Lesson hello: 1 of 3 student(s) finished it.", "Not finished: bob, cy"]


def test_a_long_list_of_names_is_cut_and_the_rest_counted() -> None:
    names = [f"s{n}" for n in range(UNFINISHED_LISTED + 4)]
    last = lesson_summary("hello", [], names, "en").splitlines()[-1]
    assert last.startswith("Not finished: s0, s1,") and last.endswith(" and 4 more")
    assert f"s{UNFINISHED_LISTED - 1}" in last and f"s{UNFINISHED_LISTED}," not in last


@pytest.mark.parametrize(("lang", "words"), [("en", "no student"), ("zh", "没有学生")])
def test_a_class_where_nobody_greeted_says_so(lang: str, words: str) -> None:
    assert words in lesson_summary("hello", [], [], lang)


def test_the_summary_is_in_chinese_too() -> None:
    text = lesson_summary("hello", ["ann"], ["bob"], "zh")
    assert "2 名学生中有 1 名学完了这一课" in text and "尚未学完：bob" in text
