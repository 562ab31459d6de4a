"""explain's lookups: each kind of code a learner may type, duplicates asked once, a reply code
and its enhanced code read as one pair, and a clear message for what cannot be explained."""

from __future__ import annotations

import pytest

from simulator.lessons.lookup import ExplainError, parse_request


def test_each_kind_of_code_lands_in_its_own_list() -> None:
    request = parse_request(["5.1.1", "550", "4xx", "x5z"], "en")
    assert [entry.code for entry in request.entries] == [550]
    assert [entry.code for entry in request.enhanced] == ["5.1.1"]
    assert len(request.classes) == 2
    assert request.comparison is None


def test_the_same_code_twice_is_explained_once_and_two_codes_are_compared() -> None:
    request = parse_request(["550", " 550 ", "551"], "en")
    assert [entry.code for entry in request.entries] == [550, 551]
    assert request.comparison is not None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_reply_code_followed_by_its_enhanced_code_is_one_entry(lang: str) -> None:
    request = parse_request(["550 5.1.1"], lang)
    assert [(entry.code, entry.enhanced) for entry in request.entries] == [(550, "5.1.1")]
    assert request.enhanced == [] and request.comparison is None
    assert request.entries[0].title != parse_request(["550"], lang).entries[0].title


def test_an_unknown_detail_falls_back_to_its_subject_with_a_note() -> None:
    request = parse_request(["5.7.99"], "en")
    assert [entry.code for entry in request.enhanced] == ["5.7.x"]
    assert any("5.7.99" in note for note in request.notes)


@pytest.mark.parametrize(("codes", "said"), [
    (["abc"], "'abc' is not a reply code"),
    (["250", "5.1.1"], "RFC 3463 §2"),
    (["259"], "no explanation for 259"),
    (["5.9.9"], "5.9.9"),
])
def test_what_cannot_be_explained_says_why(codes: list[str], said: str) -> None:
    with pytest.raises(ExplainError) as caught:
        parse_request(codes, "en")
    assert said in str(caught.value)
