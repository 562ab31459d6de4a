"""Rendering: wrapped text keeps every character, fits the width, never starts a line with
closing CJK punctuation; ANSI only when asked; Markdown has headings; no prompt_toolkit."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from simulator.lessons.annotate import annotate_reply
from simulator.lessons.compose import compare_codes
from simulator.lessons.entries import REQUIRED_CODES, code_entry, labels
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text as ui_text
from simulator.render.fragments import (
    STYLE,
    annotation_fragments,
    explain_fragments,
    to_ansi,
    to_markdown,
    to_plain,
    wrap,
)
from simulator.render.wrap import NO_LINE_START, text_width
from tests.wording import written

USUALLY = ui_text("explain.usually", "en")
"""How a foreign reply's explanation starts (lessons/ui.en.toml)."""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _all_entries_text(lang: str) -> str:
    fragments = explain_fragments([code_entry(code, lang) for code in REQUIRED_CODES], None)
    return to_plain(fragments)


@pytest.mark.parametrize("width", [60, 120])
@pytest.mark.parametrize("lang", LANGS)
def test_wrapped_entries_fit_and_lose_nothing(lang: str, width: int) -> None:
    fragments = explain_fragments([code_entry(code, lang) for code in REQUIRED_CODES], None)
    wrapped = to_plain(wrap(fragments, width))
    lines = wrapped.split("\n")
    assert max(text_width(line) for line in lines) <= width
    assert _squeeze(wrapped) == _squeeze(to_plain(fragments))
    for line in lines:
        assert not line.strip() or line.lstrip()[0] not in NO_LINE_START, line


@pytest.mark.parametrize("width", [60, 120])
def test_latin_words_in_chinese_text_stay_whole(width: int) -> None:
    text = _all_entries_text("zh")
    wrapped = to_plain(wrap([("", text)], width))
    for word in set(re.findall(r"[A-Za-z0-9<>@:.=_-]{2,}", text)):
        if text_width(word) < width // 3:
            assert word in wrapped, word


def test_plain_has_no_escape_sequences_and_ansi_has_colour() -> None:
    fragments = annotation_fragments(annotate_reply(550, "5.1.1", "no such user", "en"))
    assert not ANSI.search(to_plain(fragments))
    coloured = to_ansi(fragments)
    assert "\x1b[31;1m550" in coloured  # code.5xx: red and bold
    assert ANSI.sub("", coloured) == to_plain(fragments)


def test_annotation_shows_title_why_fix_and_rule() -> None:
    a = annotate_reply(550, "5.1.1", "no such user", "en")
    brief = to_plain(annotation_fragments(a))
    words, colon = labels("en"), labels("en")["colon"]
    assert brief.startswith(f"  550 {code_entry(550, 'en').title}")
    # the pair 550 + 5.1.1 has its own lesson
    assert f"5.1.1 {written('codes', 'pairs', '550 5.1.1', 'title')}" in brief
    assert f"{USUALLY}{colon}{a.why.splitlines()[0]}" in brief  # a foreign reply
    assert f"{words['fix']}{colon}{a.fix}" in brief
    assert f"{words['rfc']}{colon}RFC 5321" in brief
    assert brief.endswith("\n")
    full = to_plain(annotation_fragments(a, brief=False))
    assert a.meaning in full and "smtp-sim explain 550" in full


def test_annotation_in_chinese_uses_chinese_labels() -> None:
    text = to_plain(annotation_fragments(annotate_reply(503, "5.5.1", "", "zh")))
    assert "通常的含义：" in text and "如何修复：" in text and "依据：RFC 5321" in text


def test_every_style_class_used_has_a_style() -> None:
    entries = [code_entry(code, "en") for code in (221, 354, 421, 500)]
    fragments = explain_fragments(entries, compare_codes([221, 354, 421, 500], "en"))
    fragments += annotation_fragments(annotate_reply(250, None, "OK", "en"), brief=False)
    used = {token[6:] for style, _ in fragments for token in style.split()}
    assert used <= set(STYLE)


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_has_headings_for_codes_and_sections(lang: str) -> None:
    entries = [code_entry(221, lang), code_entry(500, lang)]
    text = to_markdown(entries, compare_codes([221, 500], lang))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# SMTP 221")
    assert "## 221 " + entries[0].title in headings
    heading_words = {"en": ("Description", "When it appears", "How to fix", "Key difference",
                            "When to use which"),
                     "zh": ("描述", "何时出现", "如何修复", "主要区别", "何时使用哪个")}[lang]
    for word in heading_words:
        assert any(h.endswith(" " + word) for h in headings), word


def test_render_and_lessons_do_not_import_prompt_toolkit() -> None:
    code = ("import sys, simulator.render, simulator.faces.explain, simulator.lessons; "
            "print('prompt_toolkit' in sys.modules, 'trio' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]


def test_markdown_keeps_angle_brackets_literal() -> None:
    text = to_markdown([code_entry(354, "en"), code_entry(501, "en")])
    assert "\\<CRLF\\>.\\<CRLF\\>" in text
    assert "MAIL FROM:\\<you@example.org\\>" in text
    assert not re.search(r"(?<!\\)[<>]", text)  # no raw HTML tag or autolink can form


@pytest.mark.parametrize(("lang", "success", "failure"), [("en", "Next: ", "How to fix: "),
                                                           ("zh", "下一步：", "如何修复：")])
def test_success_says_next_and_failure_says_how_to_fix(lang: str, success: str,
                                                       failure: str) -> None:
    from simulator.lessons.annotate import annotate
    from simulator.protocol import Session
    from simulator.render.fragments import annotation_fragments, to_plain

    session = Session()
    ok, typo = session.receive_data(b"NOOP\r\nHELOO\r\n")
    shown_ok = to_plain(annotation_fragments(annotate(ok, lang)))
    shown_typo = to_plain(annotation_fragments(annotate(typo, lang)))
    assert success in shown_ok and failure not in shown_ok
    assert failure in shown_typo and success not in shown_typo


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("code", "enhanced"), [(550, "5.1.1"), (503, "5.5.1"), (500, None),
                                                (421, "4.4.2"), (250, None)])
def test_brief_keeps_the_fix_line_and_drops_the_rest(lang: str, code: int,
                                                     enhanced: str | None) -> None:
    """An explanation already shown once: its title and the first line of "How to fix"
    (for a success, "Next"), the part a learner needs most; no why, no rule."""
    from simulator.render.fragments import fix_label, labels, short_annotation_fragments

    a = annotate_reply(code, enhanced, "text", lang)
    assert a.fix
    words = labels(lang)
    brief = to_plain(short_annotation_fragments(a)).splitlines()
    assert brief[0].strip() == a.title
    assert brief[1].strip() == f"{fix_label(words, code)}{words['colon']}{a.fix.splitlines()[0]}"
    assert len(brief) == 2


def test_brief_without_a_fix_says_why() -> None:
    import dataclasses

    from simulator.render.fragments import short_annotation_fragments

    a = dataclasses.replace(annotate_reply(550, "5.1.1", "text", "en"), fix="")
    brief = to_plain(short_annotation_fragments(a)).splitlines()
    assert len(brief) == 2 and brief[1].strip().startswith(USUALLY + labels("en")["colon"])
