"""The dashboard's messages pane: every message the class sent (accepted, or discarded and
why), and one message opened (its header, body, or the raw text). Client bytes are shown
escaped, as on every screen."""

from __future__ import annotations

from typing import Final

from simulator.lessons.classmodel.messages import (
    HUNG_UP,
    KEPT_MESSAGE,
    ClassMessages,
    MessageRecord,
)
from simulator.lessons.classroom import reply_title, say
from simulator.protocol.escape import show_bytes, show_text

from .demo import split_lines
from .transcript import Fragments
from .wrap import wrap_fragments

FIXED: Final = (4, 8, 7)
"""Widths of the number, the time and the size."""
NARROW: Final = 100
"""Below this many columns the time and the size are left out (the rest is worth more)."""
SHARES: Final = (0.16, 0.26, 0.22, 0.36)
"""How the rest is shared: student, envelope, Subject, where (or why discarded)."""


def _fit(text: str, width: int) -> str:
    from .dashboard import fit  # the table's cells: cut with "…"

    return fit(text, width)


def reason_text(message: MessageRecord, lang: str) -> str:
    """Why a message was discarded, in the teacher's words."""
    if message.reason == HUNG_UP:
        return say(lang, "dashboard", "message-hung-up")
    return reply_title(message.reason or "", message.code, lang)


def _where(message: MessageRecord, lang: str) -> str:
    if message.reason is not None:
        return say(lang, "dashboard", "message-discarded", reason=reason_text(message, lang))
    return show_text(message.stored or message.queue_id)


def envelope(message: MessageRecord) -> str:
    """``a@b.example → c@d.example (+2)``: the sender and the first recipient."""
    to = show_text(message.recipients[0]) if message.recipients else "?"
    more = f" (+{len(message.recipients) - 1})" if len(message.recipients) > 1 else ""
    return f"{show_text(message.sender) or '<>'} → {to}{more}"


def _widths(width: int) -> tuple[int, ...]:
    """The seven columns' widths; 0 for one left out on a narrow screen."""
    number, clock, size = FIXED if width >= NARROW else (FIXED[0], 0, 0)
    rest = max(width - number - clock - size - (6 if width >= NARROW else 4), 4 * 6)
    shares = [max(int(rest * share), 6) for share in SHARES]
    shares[-1] += rest - sum(shares)
    return (number, clock, shares[0], shares[1], shares[2], size, shares[3])


def _line(cells: tuple[str, ...], width: int) -> str:
    widths = list(_widths(width))
    if not cells[4] and cells[5] == "" and cells[0] != "#":
        # no Subject, no size (a message lost before its text): why takes their room
        widths[6] += widths[4] + 1 + (widths[5] + 1 if widths[5] else 0)
        widths[4] = widths[5] = 0
    return _fit(" ".join(_fit(cell, w) for cell, w in zip(cells, widths, strict=True) if w),
                width)


def messages_fragments(log: ClassMessages, lang: str, width: int, height: int,
                       selected: int) -> Fragments:
    """The list, newest last, scrolled so message number ``selected`` shows."""
    out: Fragments = [("class:dash.title", _fit(" " + say(lang, "dashboard", "messages",
                                                         count=len(log.messages)), width)),
                      ("", "\n")]
    if log.dropped:
        out += [("class:code.4xx", _fit(say(lang, "dashboard", "messages-dropped",
                                            count=log.dropped), width)), ("", "\n")]
    columns = say_list(lang, "messages-columns")
    out += [("class:dash.heading", _line(columns, width)), ("", "\n")]
    if not log.messages:
        return [*out, ("class:dim", say(lang, "dashboard", "no-messages") + "\n")]
    room = max(height - len(split_lines(out)), 1)
    rows = list(log.messages)
    index = next((i for i, m in enumerate(rows) if m.number == selected), len(rows) - 1)
    start = min(max(index - room + 1, 0), max(len(rows) - room, 0))
    for message in rows[start:start + room]:
        cells = (str(message.number), message.clock, show_text(message.who),
                 envelope(message), show_text(message.subject or ""),
                 "" if message.size is None else str(message.size), _where(message, lang))
        style = "class:code.5xx" if message.reason is not None else ""
        if message.number == selected:
            style = (style + " class:dash.selected").strip()
        out += [(style, _line(cells, width)), ("", "\n")]
    return out


def say_list(lang: str, entry: str) -> tuple[str, ...]:
    from simulator.lessons.classroom import words

    value = words(lang, "dashboard").get(entry)
    if not isinstance(value, list):
        value = words("en", "dashboard").get(entry)
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def message_lines(message: MessageRecord, lang: str, width: int, *,
                  raw: bool = False) -> list[Fragments]:
    """One message opened, as screen lines: envelope, where it went, then its header and
    body (or, ``raw``, every line as stored with CR and LF shown)."""
    def para(style: str, text: str) -> list[Fragments]:
        return split_lines(wrap_fragments([(style, text + "\n")], max(width, 10)))

    lines = para("", say(lang, "dashboard", "message-envelope", sender=show_text(message.sender),
                         recipients=", ".join(f"<{show_text(r)}>" for r in message.recipients)))
    if message.reason is not None:
        lines += para("class:code.5xx", say(lang, "dashboard", "message-status",
                                            reason=reason_text(message, lang)))
    elif message.stored:
        lines += para("", say(lang, "dashboard", "message-stored",
                              where=show_text(message.stored)))
    if not message.content:
        return lines + para("class:dim", say(lang, "dashboard", "message-no-text"))
    if message.cut:
        lines += para("class:code.4xx", say(lang, "dashboard", "message-cut",
                                            octets=KEPT_MESSAGE))
    if raw:
        lines += para("class:dash.heading", say(lang, "dashboard", "message-raw"))
        for line in message.content.splitlines(keepends=True):
            lines += para("", show_bytes(line, visible_eol=True))
        return lines
    head, _, body = message.content.partition(b"\r\n\r\n")
    lines += para("class:dash.heading", say(lang, "dashboard", "message-header"))
    # A tab (a folded header line starts with one) is shown as the space it stands for;
    # the raw view keeps every byte as it came.
    lines += [line for raw_line in head.split(b"\r\n")
              for line in para("", show_bytes(raw_line.expandtabs(4)))]
    lines += para("class:dash.heading", say(lang, "dashboard", "message-body"))
    lines += [line for raw_line in body.removesuffix(b"\r\n").split(b"\r\n")
              for line in para("", show_bytes(raw_line.expandtabs(4)))]
    return lines


def message_fragments(message: MessageRecord | None, lang: str, width: int, height: int, *,
                      scroll: int = 0, raw: bool = False) -> Fragments:
    """One message full screen, from line ``scroll`` on."""
    if message is None:
        return [("class:dim", say(lang, "dashboard", "no-messages") + "\n")]
    title = say(lang, "dashboard", "message-title", number=message.number,
                who=show_text(message.who), id=message.session_id)
    out: Fragments = [("class:dash.title", _fit(" " + title, width)), ("", "\n")]
    lines = message_lines(message, lang, width, raw=raw)
    start = min(scroll, max(len(lines) - (height - 1), 0))
    for line in lines[start:start + max(height - 1, 1)]:
        out += [*line, ("", "\n")]
    return out
