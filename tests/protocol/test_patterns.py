"""A teacher's patterns: regular expressions on RE2 (linear time; lookaround and
backreferences refused), globs by a linear matcher, message texts searched in one pass."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.protocol.patterns import (
    Glob,
    PatternError,
    Regex,
    TextSearch,
    fold,
    index_keys,
)

EVIL = r"<(\w+\.?)+@school\.example>"
"""A teacher's regex that took Python's re 38 s on a 29-letter address."""


def test_the_catastrophic_regex_matches_a_10_kb_argument_in_linear_time() -> None:
    evil = Regex.compile(EVIL)
    argument = "FROM:<" + "a" * 10_000 + "@other.example>"
    started = time.perf_counter()
    assert not evil.search(argument)
    assert time.perf_counter() - started < 1.0  # a generous bound: it takes microseconds
    assert evil.search("FROM:<Ann.Lee@SCHOOL.example>")  # case-insensitive, as before


@pytest.mark.parametrize("pattern", [r"a(?=b)", r"a(?!b)", r"(?<=a)b", r"(?<!a)b", r"(a)\1",
                                     r"(?P<n>a)(?P=n)"])
def test_lookaround_and_backreferences_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError) as refused:
        Regex.compile(pattern)
    assert refused.value.reason == "unsupported"


@pytest.mark.parametrize(("pattern", "reason"), [
    ("a{1001}", "too-large"), ("((a{100}){100}){100}", "too-large"), ("[", "syntax"),
    ("a" * 513, "too-long"),
])
def test_other_unsafe_or_broken_patterns_are_refused_with_their_reason(pattern: str,
                                                                       reason: str) -> None:
    with pytest.raises(PatternError) as refused:
        Regex.compile(pattern)
    assert refused.value.reason == reason
    with pytest.raises(PatternError):
        Glob.compile("*" + "a" * 512)


@pytest.mark.parametrize(("glob", "value", "matches"), [
    ("*@school.example", "ANN@School.Example", True),
    ("*@school.example", "ann@b.school.example", False),
    ("*[SPAM]*", "Buy [spam] now", True),
    ("*[SPAM]*", "Buy spam now", False),
    ("a?c@*", "abc@x", True),
    ("a?c@*", "ac@x", False),
    ("x*y*x", "xx", False),
    ("x*x", "x", False),
    ("x*y*x", "xyyx", True),
    ("", "", True),
    ("*", "", True),
])
def test_globs_star_question_mark_and_literal_text(glob: str, value: str, matches: bool) -> None:
    assert Glob.compile(glob).matches(value) is matches


def test_a_backtracking_glob_on_a_long_address_is_quick() -> None:
    glob = Glob.compile("*.*.*.*@*.*.*.example")
    address = "a" * 200 + "@" + "b" * 10 + ".c" * 6 + ".org"  # about 225 octets, no match
    started = time.perf_counter()
    assert not glob.matches(address)
    assert not Glob.compile("*.*.?.*@*.*.*.example").matches(address)
    assert time.perf_counter() - started < 1.0  # generous: it takes microseconds


def reference(glob: str, value: str) -> bool:
    """The glob's meaning written the slow, obvious way."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in fold(glob))
    return re.fullmatch("".join(parts), fold(value), re.DOTALL) is not None


@given(st.text("ab*?@.A", max_size=8), st.text("abAB@.", max_size=10))
def test_a_glob_matches_exactly_what_its_regular_expression_would(glob: str, value: str) -> None:
    assert Glob.compile(glob).matches(value) is reference(glob, value)


@pytest.mark.parametrize(("glob", "key"), [
    ("*@School.Example", "@school.example"), ("ann@x.example", "@x.example"),
    ("Nobody@*", "nobody@"), ("nobody@*.example", "nobody@"), ("*@*.example", None),
    ("*@x?.example", None), ("*school.example", None), ("a*@*", None),
])
def test_a_glob_is_filed_under_its_literal_domain_else_its_literal_local_part(
        glob: str, key: str | None) -> None:
    assert Glob.compile(glob).index_key == key


@given(st.text("ab*?@.A", max_size=8), st.text("abAB@.", max_size=10))
def test_a_glob_only_matches_addresses_filed_under_its_key(glob: str, value: str) -> None:
    compiled = Glob.compile(glob)
    if compiled.matches(value) and compiled.index_key is not None:
        assert compiled.index_key in index_keys(value)


def test_message_texts_are_found_in_one_pass_exactly() -> None:
    search = TextSearch(["GTUBE", "[SPAM]", "ünï", "GTUBE"])
    assert search.found_in("x ünï [SPAM] gtube".encode()) == {"ünï", "[SPAM]"}
    assert search.found_in(b"") == frozenset()
    assert TextSearch([]).found_in(b"GTUBE") == frozenset()
    many = TextSearch([f"needle-{i}-" + "a" * 400 for i in range(100)])
    message = b"a" * 1_000_000 + b"needle-42-" + b"a" * 400
    assert many.found_in(message) == {"needle-42-" + "a" * 400}
