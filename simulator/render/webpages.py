"""The pages of ``serve --web``, drawn from the class model: a student's session, the
teacher's class, one message, and the pages that say no (404, 403, busy).

Pure functions of the model and the reader's choices (language, page), as the dashboard's
are; the web face holds the model's lock while calling the ones that read it. Every word
is UI data (``[web]`` in lessons/ui.LANG.toml, the dashboard's ``[dashboard]`` headings);
every value is escaped here or by :mod:`simulator.render.html`. What the live stream sends
to a page is the same data as lists of plain strings (:func:`session_rows`,
:func:`message_items`, :func:`mistake_items`), which the page's script sets as
``textContent``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final
from urllib.parse import quote, urlencode

from simulator.lessons.classmodel.model import KEPT_TEXT, ClassModel, SessionRecord
from simulator.lessons.classroom import columns, mistake_title
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.protocol import ReceivedMessage
from simulator.protocol.escape import show_text

from .dashboard import cells as dashboard_cells
from .dashgoals import DONE, NOW, step_goal
from .html import MessageView, exchange_html, message_html, message_view, session_messages

PAGE_SIZE: Final = 50
"""Exchanges per page of a transcript; past that, the page links to the next one."""
LISTED_MESSAGES: Final = 200
"""Messages listed on the teacher's page (the newest)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a list a page shows (and its live stream refreshes): text and a link."""

    text: str
    href: str = ""
    mark: str = ""
    """A lesson step's mark: ``done``, ``now`` (the step the student is on) or nothing."""

    def data(self) -> dict[str, str]:
        return {"text": self.text, "href": self.href, "mark": self.mark}


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def page(title: str, lang: str, body: str, *, events: str = "", here: str = "") -> str:
    """A whole page: the title, the language switch, ``body``; with ``events`` the address
    of its live stream (the script follows it)."""
    switch = " ".join(
        f'<a href="{_e(here)}?{_e(urlencode({"lang": code}))}" lang="{code}"'
        + (' aria-current="true"' if code == lang else "")
        + f">{_e(text('web.lang-name', code))}</a>" for code in LANGS)
    live = f' data-events="{_e(events)}"' if events else ""
    return (f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title>"
            '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/web.css">'
            "</head>"
            f"<body{live}><header><h1>{_e(title)}</h1>"
            f'<nav class="langs" aria-label="{_e(text("web.lang-switch", lang))}">{switch}</nav>'
            f'</header><main>{body}</main><script src="/static/web.js"></script></body></html>')


def pages(count: int) -> int:
    return max(1, math.ceil(count / PAGE_SIZE))


def status_text(record: SessionRecord, lang: str) -> str:
    """What the line over a transcript says: live, or over; and the lesson's steps, for a
    session that has them (``serve --lesson``)."""
    if record.closed:
        said = text("web.ended", lang)
    else:
        said = text("web.live", lang) if record.transcript else text("web.nothing-yet", lang)
    steps = steps_text(record, lang)
    return f"{said} {steps}" if steps else said


def steps_text(record: SessionRecord, lang: str) -> str:
    """``Lesson: 2 of 5 steps done.`` when the class model counts the session's steps
    (``serve --lesson``); nothing otherwise."""
    if record.steps_total <= 0:
        return ""
    return text("web.steps", lang, done=len(record.steps_done), total=record.steps_total)


def step_items(model: ClassModel, record: SessionRecord, lang: str) -> list[Item]:
    """The lesson's steps as the dashboard's goal panel shows them: each goal, ticked when
    done, the one the student is on marked; nothing without a lesson."""
    if not model.lesson_steps and record.steps_total <= 0:
        return []
    current = model.step_on(record)
    if not model.lesson_steps:  # only the ids serve ticked, and the step they are on
        done = [Item(f"{DONE} {show_text(step_id)}", mark="done")
                for step_id in record.steps_done]
        return done + ([Item(f"{NOW} {step_goal(model, current, lang)}", mark="now")]
                       if current else [])
    ticked = set(record.steps_done)
    out: list[Item] = []
    for number, step in enumerate(model.lesson_steps, 1):
        goal = step_goal(model, number, lang)
        if step.id in ticked:
            out.append(Item(f"{DONE} {goal}", mark="done"))
        elif number == current:
            out.append(Item(f"{NOW} {goal}", mark="now"))
        else:
            out.append(Item(goal))
    return out


def transcript_body(record: SessionRecord, lang: str, number: int, here: str,
                    messages_base: str, steps: Sequence[Item] = ()) -> tuple[str, int, int]:
    """The status line, the lesson's ``steps`` (when there are), the page ``number`` of the
    transcript (the last one when 0 or past the end), the links to the others and the
    session's messages; and how many
    exchanges come before the end of what the page shows (where its live stream goes on)
    and where the page ends (its stream adds no more than that)."""
    exchanges = list(record.transcript)
    total = pages(len(exchanges))
    number = total if not 1 <= number <= total else number
    start = (number - 1) * PAGE_SIZE
    shown = exchanges[start:start + PAGE_SIZE]
    blocks = "".join(exchange_html(exchange, lang) for exchange in shown)
    full = len(shown) >= PAGE_SIZE and number < total
    messages = _list("messages", text("web.messages", lang),
                     _messages(record, lang, messages_base), text("web.no-messages", lang))
    body = (f'<p id="status" class="status" role="status" aria-live="polite">'
            f"{_e(status_text(record, lang))}</p>"
            f"{_steps(steps, lang)}{_page_links(number, total, here, lang)}"
            f'<section id="transcript" class="transcript" aria-live="polite">{blocks}</section>'
            f'<p id="more" class="more"{"" if full else " hidden"}>'
            f'<a href="{_e(_page_href(here, number + 1, lang))}">'
            f"{_e(text('web.more', lang))}</a></p>"
            f"{messages}")
    return body, start + len(shown), start + PAGE_SIZE


def _page_href(here: str, number: int, lang: str) -> str:
    return f"{here}?{urlencode({'lang': lang, 'page': number})}"


def _page_links(number: int, total: int, here: str, lang: str) -> str:
    if total == 1:
        return ""
    links = [f"<span>{_e(text('web.page', lang, page=number, pages=total))}</span>"]
    if number > 1:
        links.insert(0, f'<a rel="prev" href="{_e(_page_href(here, number - 1, lang))}">'
                        f"{_e(text('web.older', lang))}</a>")
    if number < total:
        links.append(f'<a rel="next" href="{_e(_page_href(here, number + 1, lang))}">'
                     f"{_e(text('web.newer', lang))}</a>")
    return f'<nav class="pages">{" ".join(links)}</nav>'


def _steps(steps: Sequence[Item], lang: str) -> str:
    if not steps:
        return ""
    return _list("steps", text("web.steps-heading", lang), steps, "", tag="ol")


def _list(ident: str, heading: str, items: Sequence[Item], empty: str, *,
          tag: str = "ul") -> str:
    entries = "".join(f"<li{_mark(i)}>{_link(i)}</li>" for i in items)
    return (f'<section class="list"><h2>{_e(heading)}</h2>'
            f'<{tag} id="{ident}" data-empty="{_e(empty)}">{entries or f"<li>{_e(empty)}</li>"}'
            f"</{tag}></section>")


def _mark(item: Item) -> str:
    return f' class="step-{_e(item.mark)}"' if item.mark else ""


def _link(item: Item) -> str:
    return f'<a href="{_e(item.href)}">{_e(item.text)}</a>' if item.href else _e(item.text)


def message_items(messages: Sequence[ReceivedMessage], lang: str, base: str) -> list[Item]:
    """A line per message: subject, sender, recipients; linking to ``base`` + queue id."""
    out: list[Item] = []
    for message in messages:
        view = _summary(message)
        subject = view.subject or text("web.no-subject", lang)
        out.append(Item(f"{view.queue_id} · {subject} · {view.sender} → "
                        f"{', '.join(view.recipients)}", base + quote(message.queue_id)))
    return out


@lru_cache(maxsize=2 * LISTED_MESSAGES)
def _summary(message: ReceivedMessage) -> MessageView:
    """A message as its line shows it, parsed once: the live streams list the same messages
    a few times a second, and parsing a header takes about a millisecond."""
    return message_view(message)


def _messages(record: SessionRecord, lang: str, base: str) -> list[Item]:
    return message_items(session_messages(record), lang, base)


def session_items(record: SessionRecord, lang: str, base: str) -> list[Item]:
    """The messages of one session, for its page's live stream."""
    return _messages(record, lang, base)


def session_rows(model: ClassModel, lang: str, now: float) -> list[dict[str, object]]:
    """The dashboard's table, a row per session (the same cells), each linking to its
    transcript."""
    return [{"cells": list(dashboard_cells(record, model, lang, now)),
             "href": f"/teacher/s/{quote(record.session_id)}?{urlencode({'lang': lang})}",
             "closed": record.closed} for record in model.rows()]


def mistake_items(model: ClassModel, lang: str) -> list[Item]:
    """"Common mistakes": each key's title, how many sessions met it, and which."""
    return [Item(text("web.mistake-line-one" if m.count == 1 else "web.mistake-line", lang,
                      title=f"{m.code} {mistake_title(m.key, m.code, lang)}", count=m.count,
                      ids=", ".join(m.sessions))) for m in model.mistakes()]


def class_messages(model: ClassModel) -> list[ReceivedMessage]:
    """Every message the kept transcripts show accepted, the newest LISTED_MESSAGES."""
    found = [m for record in model.rows() for m in session_messages(record)]
    return found[-LISTED_MESSAGES:]


def teacher_body(model: ClassModel, lang: str, now: float, smtp: tuple[str, int]) -> str:
    """The class: the sessions table, the common mistakes, the messages."""
    heads = "".join(f'<th scope="col">{_e(name)}</th>' for name in columns(lang))
    rows = "".join(_row(row) for row in session_rows(model, lang, now))
    empty = text("web.no-sessions", lang, host=smtp[0], port=smtp[1])
    mistakes = _list("mistakes", text("web.mistakes", lang), mistake_items(model, lang),
                     text("web.no-mistakes", lang))
    messages = _list("messages", text("web.messages", lang),
                     message_items(class_messages(model), lang, "/teacher/m/"),
                     text("web.no-messages", lang))
    return (f'<section class="sessions"><h2>{_e(text("web.sessions", lang))}</h2>'
            f'<p id="no-sessions" class="status"{" hidden" if rows else ""}>{_e(empty)}</p>'
            f'<div class="scroll"><table id="sessions"><thead><tr>{heads}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div></section>{mistakes}{messages}")


def _row(row: dict[str, object]) -> str:
    cells = [str(c) for c in row["cells"]] if isinstance(row["cells"], list) else []
    href = str(row["href"])
    first = f'<td><a href="{_e(href)}">{_e(cells[0])}</a></td>' if cells else ""
    rest = "".join(f"<td>{_e(cell)}</td>" for cell in cells[1:])
    return f'<tr class="{"closed" if row["closed"] else ""}">{first}{rest}</tr>'


def message_body(view: MessageView, lang: str, back: str) -> str:
    """One message: envelope, header fields, body, raw text; a link back."""
    envelope = (f'<dl class="envelope"><dt>{_e(text("web.sender", lang))}</dt>'
                f"<dd>{_e(view.sender)}</dd><dt>{_e(text('web.recipients', lang))}</dt>"
                f"<dd>{_e(', '.join(view.recipients))}</dd></dl>")
    cut = f'<p class="status">{_e(text("web.cut", lang, size=KEPT_TEXT))}</p>' if view.cut else ""
    labels = [text(f"web.{name}", lang) for name in ("header", "body", "raw")]
    return (f'<p><a href="{_e(back)}">{_e(text("web.back", lang))}</a></p>{envelope}{cut}'
            f"{message_html(view, labels)}")


def refusal(lang: str, title_key: str, key: str, **fields: object) -> str:
    """A page that says no (no such session, the teacher's token, too many open pages)."""
    return page(text(title_key, lang), lang,
                f'<p class="status">{_e(text(key, lang, **fields))}</p>')


def console_body(lang: str) -> str:
    """The browser console: its status, the session explained, the line to type."""
    return (f'<p id="status" class="status" role="status" aria-live="polite" '
            f'data-closed="{_e(text("web.console-closed", lang))}">'
            f"{_e(text('web.console-connecting', lang))}</p>"
            '<section id="transcript" class="transcript" aria-live="polite"></section>'
            f'<form id="console" class="console" data-lang="{_e(lang)}" autocomplete="off">'
            f'<label for="line">{_e(text("web.console-label", lang))}</label>'
            '<input id="line" name="line" maxlength="4096" spellcheck="false" '
            'autocapitalize="off" autofocus>'
            f'<button type="submit">{_e(text("web.console-send", lang))}</button></form>')
