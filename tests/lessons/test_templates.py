"""Lesson templates: authors get a clear error for a bad placeholder; a learner never sees a
crash, only the text as written."""

from __future__ import annotations

import pytest

from simulator.lessons.templates import fill, placeholders


def test_placeholders_are_listed_in_order_and_literal_braces_are_not_fields() -> None:
    assert placeholders("{verb} at {state}: {{not a field}} {verb}") == ("verb", "state", "verb")


@pytest.mark.parametrize("text", ["{}", "{0}", "{verb.upper}", "{verb[0]}", "{verb!r}",
                                  "{limit:>5}", "{unclosed"])
def test_anything_but_a_plain_name_is_refused_for_the_author(text: str) -> None:
    with pytest.raises(ValueError):
        placeholders(text)


def test_fill_replaces_every_field() -> None:
    assert fill("{verb} needs {limit} octets", {"verb": "MAIL", "limit": "512"}) == \
        "MAIL needs 512 octets"


@pytest.mark.parametrize("text", ["{missing} here", "{verb.attr}", "{0}", "{unclosed"])
def test_fill_shows_a_broken_text_as_written_instead_of_raising(text: str) -> None:
    assert fill(text, {"verb": "MAIL"}) == text
