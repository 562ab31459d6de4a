"""A pattern compiled on first use answers as the compiled pattern does, and compiles once."""

from __future__ import annotations

import re

import pytest

from simulator.protocol import lazyre
from simulator.protocol.lazyre import lazy


def test_it_answers_as_re_compile_does() -> None:
    pattern = lazy(r"<([^>]*)>", re.IGNORECASE)
    compiled = re.compile(r"<([^>]*)>", re.IGNORECASE)
    text = "MAIL FROM:<a@b.example> SIZE=10 <c@d>"
    found = pattern.search(text)
    assert found is not None and found.group(1) == "a@b.example"
    assert pattern.findall(text) == compiled.findall(text) == ["a@b.example", "c@d"]
    assert pattern.sub("<>", text) == compiled.sub("<>", text)
    assert pattern.fullmatch("<x>") is not None and pattern.match("x<y>") is None
    assert [m.group(1) for m in pattern.finditer(text)] == ["a@b.example", "c@d"]
    assert pattern.split("a<b>c") == compiled.split("a<b>c")
    assert pattern.pattern == compiled.pattern


def test_bytes_patterns_keep_their_flags() -> None:
    auth = lazy(rb"[ \t]*(auth)\b", re.IGNORECASE)
    found = auth.match(b"  AUTH PLAIN")
    assert found is not None and found.group(1) == b"AUTH"


def test_nothing_is_compiled_until_the_first_call_and_then_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = re.compile

    def counting(source: str, flags: int = 0) -> re.Pattern[str]:
        calls.append(source)
        return real(source, flags)

    monkeypatch.setattr(lazyre.re, "compile", counting)
    pattern = lazy(r"[0-9]+")
    assert calls == []
    assert pattern.fullmatch("250") is not None
    assert pattern.search("x 4") is not None and pattern.findall("1 2") == ["1", "2"]
    assert calls == [r"[0-9]+"]


def test_a_name_a_pattern_lacks_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        lazy(r"x").groups_of_nothing  # noqa: B018
