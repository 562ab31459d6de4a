"""Wrapping by display width: Chinese fills the line, punctuation rules hold, nothing is lost."""

from __future__ import annotations

import re

from simulator.render.fragments import to_plain
from simulator.render.wrap import text_width, wrap_fragments


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_chinese_wraps_by_display_width() -> None:
    text = "服务器正在关闭传输通道。这是 SMTP 会话正常、有序的结束方式。" * 3
    lines = to_plain(wrap_fragments([("", text)], 20)).split("\n")
    assert all(text_width(line) <= 20 for line in lines)
    assert all(text_width(line) >= 14 for line in lines[:-1])  # lines are filled, not split early
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_list_joined_by_chinese_commas_breaks_after_a_comma() -> None:
    text = "可用的命令有 HELO、EHLO、MAIL、RCPT、DATA、RSET、NOOP、QUIT、VRFY、EXPN 和 HELP。"
    lines = to_plain(wrap_fragments([("", text)], 24)).split("\n")
    assert all(text_width(line) <= 24 for line in lines)
    assert all(text_width(line) >= 18 for line in lines[:-1])
    assert all(not line.startswith("、") for line in lines)


def test_a_word_longer_than_the_line_is_split_not_dropped() -> None:
    word = "x" * 45
    lines = to_plain(wrap_fragments([("", f"  see {word} here")], 20)).split("\n")
    assert all(text_width(line) <= 20 for line in lines)
    assert _squeeze("".join(lines)) == f"see{word}here"


def test_wrapping_keeps_styles_and_the_hanging_indent() -> None:
    fragments = [("", "  "), ("class:fix", "one two three four five six seven eight")]
    wrapped = wrap_fragments(fragments, 20)
    assert {style for style, _ in wrapped} <= {"", "class:fix"}
    lines = to_plain(wrapped).split("\n")
    assert len(lines) > 1
    assert all(line.startswith("  ") and not line.startswith("   ") for line in lines)


def test_widths_of_wide_narrow_and_combining_characters() -> None:
    assert text_width("SMTP") == 4
    assert text_width("描述") == 4
    assert text_width("ｓ") == 2  # full-width Latin
    assert text_width("e\u0301") == 1  # e + combining acute accent


def test_a_hanging_indent_puts_continuations_under_the_text_after_the_marker() -> None:
    line = "<-  220 smtp-sim.localhost ESMTP smtp-sim ready (a teaching server; no mail leaves)"
    lines = to_plain(wrap_fragments([("", line)], 40, hang=4)).split("\n")
    assert all(text_width(row) <= 40 for row in lines)
    assert all(row.startswith("    ") and row[4] != " " for row in lines[1:])
    assert " ".join(row.strip() for row in lines) == line  # broken only between words


def test_wide_characters_are_measured_as_the_terminal_does() -> None:
    from wcwidth import wcswidth

    for text in ("回车键", "ＦＵＬＬ", "e\u0301te", "👍 ok", "a\u200bb"):
        assert text_width(text) == wcswidth(text)


def test_a_line_starting_with_a_marker_hangs_under_its_text() -> None:
    """A whole transcript wrapped at once: each wire line hangs under the text after its
    marker; an explanation line keeps its own indent."""
    text = "<-  250 a b c d e f g h\n  Why: one two three four\n"
    out = "".join(part for _, part in wrap_fragments([("", text)], 12, markers=("<-  ",)))
    assert out.split("\n") == ["<-  250 a b", "    c d e f", "    g h",
                               "  Why: one", "  two three", "  four", ""]


def test_a_lesson_step_with_its_mark_hangs_under_its_text() -> None:
    """The goal panel's current (▸) and met (✓) steps go on under their words, as the
    plain ones do (at 80 columns step 2 of lesson 1 wraps)."""
    for mark in ("▸ ", "✓ ", "  "):
        line = f"  {mark}2. Introduce your client with EHLO and get a multi-line 250 listing the extensions. (now)\n"
        rows = to_plain(wrap_fragments([("", line)], 79)).splitlines()
        assert len(rows) == 2 and rows[1].startswith(" " * 7 + "extensions"), rows


def test_the_fragments_type_is_declared_once() -> None:
    """Issue 26: ``list[tuple[str, str]]`` was declared as Fragments in 16 modules; one
    declaration (render/wrap.py), imported everywhere, so a change of it reaches every screen."""
    import re

    from tests import ROOT

    declared = [path.relative_to(ROOT).as_posix() for path in (ROOT / "simulator").rglob("*.py")
                if re.search(r"^Fragments\s*=", path.read_text("utf-8"), re.M)]
    assert declared == ["simulator/render/wrap.py"]
