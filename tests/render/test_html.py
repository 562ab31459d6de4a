"""The HTML renderer and the pages of serve --web: the same explanations as the console,
every client byte shown as text (an XSS set and the terminal payload set), credentials masked."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Final

import pytest

from simulator.lessons.classmodel.model import ClassModel, SessionRecord
from simulator.lessons.ui import text as ui_text
from simulator.protocol import Policy, Session
from simulator.render.fragments import to_plain
from simulator.render.html import (
    css_classes,
    exchange_fragments,
    exchange_html,
    fragments_data,
    fragments_html,
    message_view,
)
from simulator.render.webpages import (
    PAGE_SIZE,
    message_body,
    page,
    teacher_body,
    transcript_body,
)

XSS: Final = ("<script>alert(1)</script>", '"onmouseover=alert(1) x="', "javascript:alert(1)",
              "<img src=x onerror=alert(1)>", "</pre><b>bold</b>")
TERMINAL: Final = ("\x1b]0;pwned\x07", "\x1b[2J\x1b[31m", "\x9b2J", "a\rb", "\x00\x7f",
                   "\u202eevil")


def _model(*lines: bytes) -> tuple[ClassModel, SessionRecord]:
    """A class of one session that sent ``lines`` (each its own write)."""
    model = ClassModel()
    session = Session(Policy())
    model.observe("S1", "192.0.2.1:5000", session.greeting(), 0.0)
    for line in lines:
        for exchange in session.receive_data(line):
            model.observe("S1", "192.0.2.1:5000", exchange, 1.0)
    return model, model.sessions["S1"]


class _Tags(HTMLParser):
    """Every tag and attribute a browser would make of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(document: str) -> _Tags:
    parser = _Tags()
    parser.feed(document)
    parser.close()
    return parser


def _assert_inert(document: str) -> None:
    """No element or attribute came from a client: only the page's own markup."""
    parsed = _parsed(document)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "link", "body", "header", "h1",
                                "h2", "nav", "a", "main", "p", "section", "div", "span", "ul",
                                "li", "table", "thead", "tbody", "tr", "th", "td", "pre",
                                "details", "summary", "dl", "dt", "dd", "script"}, parsed.tags
    assert parsed.tags.count("script") <= 1  # the page's own /static/web.js
    for name, value in parsed.attributes:
        assert not name.startswith("on"), (name, value)
        if name in ("href", "src"):
            assert value == "data:," or (value is not None and value.startswith(("/", "?"))), value
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", document)


def test_fragments_become_spans_with_the_console_classes() -> None:
    out = fragments_html([("class:code.5xx", "550 no"), ("", " plain"), ("bold", "x")])
    assert out == '<span class="code-5xx">550 no</span> plainx'


def test_a_class_name_cannot_carry_markup() -> None:
    assert css_classes('class:a"><script> class:why') == "ascript why"


def test_an_exchange_reads_as_the_console_prints_it() -> None:
    _, record = _model(b"MAIL FROM:<a@b.example>\r\n")
    exchange = record.transcript[-1]
    shown = exchange_html(exchange, "en")
    assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == to_plain(
        exchange_fragments(exchange, "en"))
    assert 'class="exchange error"' in shown and "503" in shown and "EHLO" in shown


def test_chinese_explanations_use_the_chinese_data() -> None:
    from simulator.lessons.entries import labels

    _, record = _model(b"MAIL FROM:<a@b.example>\r\n")
    shown = exchange_html(record.transcript[-1], "zh")
    assert labels("zh")["why"] in shown and labels("en")["why"] not in shown


@pytest.mark.parametrize("payload", XSS + TERMINAL)
def test_helo_names_and_addresses_render_as_text(payload: str) -> None:
    raw = payload.encode("utf-8", errors="surrogateescape")
    model, record = _model(b"EHLO " + raw + b"\r\n", b"EHLO c.example\r\n",
                           b"MAIL FROM:<" + raw + b"@x.example>\r\n",
                           b"RCPT TO:<" + raw + b">\r\n", b"HELO " + raw + b"\r\n")
    body, _, _ = transcript_body(record, "en", 0, "/s/t", "/s/t/m/")
    _assert_inert(page("t", "en", body))
    _assert_inert(page("t", "en", teacher_body(model, "en", 2.0, ("h", 25))))
    if payload in XSS:  # shown as the student typed it, as text
        assert payload in "".join(_parsed(body).text)


def _accepted(subject: str, body: str) -> tuple[ClassModel, SessionRecord]:
    text = f"Subject: {subject}\r\nFrom: <{subject}@x.example>\r\n\r\n{body}\r\n.\r\n"
    return _model(b"EHLO c.example\r\n", b"MAIL FROM:<a@x.example>\r\n",
                  b"RCPT TO:<b@y.example>\r\n", b"DATA\r\n",
                  text.encode("utf-8", errors="surrogateescape"))


@pytest.mark.parametrize("payload", XSS + TERMINAL)
def test_subjects_and_bodies_render_as_text(payload: str) -> None:
    model, record = _accepted(payload.replace("\r", ""), payload.replace("\r", ""))
    [message] = [e.message for e in record.transcript if e.message is not None]
    view = message_view(message)
    shown = page("t", "en", message_body(view, "en", "/teacher"))
    _assert_inert(shown)
    _assert_inert(page("t", "en", teacher_body(model, "en", 2.0, ("h", 25))))
    body, _, _ = transcript_body(record, "en", 0, "/s/t", "/s/t/m/")
    _assert_inert(page("t", "en", body))
    if payload in XSS:
        text = "".join(_parsed(shown).text)
        assert payload in text  # the body (and the subject, when it survived as a field)


def test_the_script_gets_pairs_of_class_and_text() -> None:
    _, record = _model(b"HELO <b>\r\n")
    data = fragments_data(exchange_fragments(record.transcript[-1], "en"))
    assert ["sent", "HELO <b>\n"] in data


def test_credentials_are_masked_on_the_page() -> None:
    _, record = _model(b"EHLO c.example\r\n", b"AUTH PLAIN AHN0dWRlbnQAc2VjcmV0\r\n")
    body, _, _ = transcript_body(record, "en", 0, "/s/t", "/s/t/m/")
    assert "AHN0dWRlbnQAc2VjcmV0" not in body and "AUTH PLAIN ****" in body


def test_a_long_transcript_is_paginated() -> None:
    _, record = _model(*[b"NOOP\r\n"] * (PAGE_SIZE + 5))
    last, shown, end = transcript_body(record, "en", 0, "/s/t", "/s/t/m/")
    assert last.count('class="exchange') == PAGE_SIZE + 6 - PAGE_SIZE
    assert (shown, end) == (PAGE_SIZE + 6, 2 * PAGE_SIZE)
    first, shown, end = transcript_body(record, "en", 1, "/s/t", "/s/t/m/")
    assert first.count('class="exchange') == PAGE_SIZE and (shown, end) == (PAGE_SIZE, PAGE_SIZE)
    assert "page=2" in first and 'id="more" class="more">' in first


def test_a_sessions_lesson_steps_show_with_their_goals_ticked() -> None:
    from simulator.lessons.classmodel.model import LessonStep
    from simulator.render.webpages import status_text, step_items

    model, record = _model(b"NOOP\r\n")
    assert "Lesson" not in status_text(record, "en") and step_items(model, record, "en") == []
    model.lesson_steps = (LessonStep("greet", {"en": "Say <EHLO>", "zh": "发送 EHLO"}),
                          LessonStep("mail", {"en": "Start a mail", "zh": "开始一封邮件"}),
                          LessonStep("end", {"en": "Say goodbye", "zh": "道别"}))
    record.steps_total, record.steps_done = 3, ("greet",)  # as serve --lesson sets them
    assert status_text(record, "en").endswith(ui_text("web.steps", "en", done=1, total=3))
    steps = step_items(model, record, "en")
    assert [(i.text, i.mark) for i in steps] == [
        ("✓ Say <EHLO>", "done"), ("▶ Start a mail", "now"), ("Say goodbye", "")]
    body, _, _ = transcript_body(record, "zh", 0, "/s/t", "/s/t/m/",
                                 step_items(model, record, "zh"))
    assert "3 步中已完成 1 步" in body and "本课的步骤" in body
    assert '<li class="step-done">✓ 发送 EHLO</li>' in body
    assert '<li class="step-now">▶ 开始一封邮件</li><li>道别</li>' in body
    english, _, _ = transcript_body(record, "en", 0, "/s/t", "/s/t/m/", steps)
    assert "✓ Say &lt;EHLO&gt;" in english  # a goal is text, escaped


def test_the_steps_without_the_lessons_words_are_the_ids_ticked_and_the_next_number() -> None:
    from simulator.render.webpages import step_items

    model, record = _model()
    record.steps_total, record.steps_done = 4, ("greet", "mail")
    assert [(i.text, i.mark) for i in step_items(model, record, "en")] == [
        ("✓ greet", "done"), ("✓ mail", "done"), ("▶ step 3", "now")]
    record.steps_done = ("a", "b", "c", "d")
    assert [i.mark for i in step_items(model, record, "en")] == ["done"] * 4
