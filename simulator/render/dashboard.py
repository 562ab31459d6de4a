"""The instructor's dashboard, drawn from the class model: the sessions table, the selected
session's transcript (explained as the student's console explains it) and the class's
common mistakes. Pure functions of the model and the instructor's choices; the face holds
the model's lock while calling them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from simulator.client.connection import Answer, Step
from simulator.lessons.classmodel.model import SORTS, ClassModel, Mistake, SessionRecord
from simulator.lessons.classroom import columns, mistake_title, reply_title, say
from simulator.lessons.ui import text
from simulator.protocol import Exchange
from simulator.protocol.escape import show_text
from simulator.protocol.events import Then

from .dashgoals import goal_fragments, side_by_side, step_goal
from .demo import split_lines
from .transcript import Fragments, step_fragments
from .wrap import char_width, text_width, wrap_fragments

WIDTHS: Final = (5, 21, 16, 10, 5, 5, 5, 0, 6, 4, 5, 9)
"""Column widths; 0 is the one that takes what is left (the last reply)."""
ORDER: Final = (0, 1, 2, 11, 3, 4, 5, 6, 7, 8, 9, 10)
"""The columns left to right (the lesson's steps after the name)."""
STEPS: Final = 11
"""The steps column: shown only when serve runs a lesson."""
DROP_ORDER: Final = (1, 10, 9, 4, 8, 6, 3)
"""On a narrow screen, the columns left out first: the client's address (the name says
who it is), AUTH, TLS, commands, idle, messages, state. Then the last reply narrows and
goes, then the name narrows: the id, the name (who it is), the steps (how far) and the
errors always stay."""
MIN_REPLY: Final = 20
NARROW_REPLY: Final = 8
"""Below MIN_REPLY the last reply takes what is left, down to this (``250 sen…``)."""
MIN_NAME: Final = 6
WIDE_REPLY: Final = 40
"""Past this width of the last reply, the name column takes the rest (up to MAX_NAME)."""
NAME: Final = 2
MAX_NAME: Final = 40
CUT: Final = "…"
"""The end of a cell cut to fit."""
DASH_STYLE: Final = (
    ("dash.title", "reverse bold"),
    ("dash.heading", "bold underline"),
    ("dash.selected", "reverse"),
    ("dash.newest", "ansiyellow bold"),
    ("dash.closed", "ansibrightblack"),
    ("dash.footer", "ansibrightblack"),
    ("dash.prompt", "bold"),
)


@dataclass(frozen=True, slots=True)
class Choices:
    """What the instructor chose: selection, filters, language."""

    lang: str = "en"
    selected: str | None = None
    mistake: str | None = None
    """The selected mistake's key (its sessions are listed)."""
    filter_text: str = ""
    errors_only: bool = False
    follow: bool = False
    sort: str = SORTS[0]
    step: int = 0
    """The lesson step the common mistakes are narrowed to (0: every step)."""


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` columns (wide characters count two); a
    text cut to fit ends with ``…``."""
    if text.isascii():
        if len(text) <= width:
            return text.ljust(width)
        return text[:width - 1] + CUT if width > 0 else ""
    if sum(char_width(char) for char in text) <= width:
        return text + " " * (width - sum(char_width(char) for char in text))
    out, used = [], 0
    for char in text:
        size = char_width(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    cut = CUT if width > 0 else ""
    return "".join(out) + cut + " " * (width - used - len(cut))


def idle(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"


def cells(record: SessionRecord, model: ClassModel, lang: str,
           now: float) -> tuple[str, ...]:
    yes, no = say(lang, "dashboard", "yes"), say(lang, "dashboard", "no")
    state = (say(lang, "dashboard", "discarded") if record.discarded else
             say(lang, "dashboard", "closed") if record.closed else record.state.value)
    return (record.session_id, record.peer, show_text(record.student or record.helo), state,
            str(record.commands), str(record.errors), str(record.accepted),
            last_reply(record, lang),
            "" if record.closed else idle(now - record.last_activity),
            yes if record.tls else no, yes if record.auth else no,
            steps_cell(record, model, lang, now))


def last_reply(record: SessionRecord, lang: str) -> str:
    """The last reply as the teacher reads it: its code and its key's short title."""
    if not record.last_code:
        return ""
    return f"{record.last_code} {reply_title(record.last_key, record.last_code, lang)}"


def steps_cell(record: SessionRecord, model: ClassModel, lang: str, now: float) -> str:
    """``2/3`` (``✓`` when every step is done), marked when the student seems stuck."""
    if not record.steps_total:
        return ""
    done = len(record.steps_done)
    cell = "✓" if done >= record.steps_total else f"{done}/{record.steps_total}"
    if model.stuck(record, now):
        cell += " " + say(lang, "dashboard", "stuck")
    return cell


def has_lesson(model: ClassModel) -> bool:
    """Serve runs a lesson: the lesson's columns and panes show."""
    return bool(model.lesson_steps) or any(r.steps_total for r in model.sessions.values())


def _layout(width: int, lesson: bool = False) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Which columns fit in ``width``, and their widths (the last reply takes the rest)."""
    shown = [i for i in ORDER if lesson or i != STEPS]
    for column in DROP_ORDER:
        if sum(WIDTHS[i] + 1 for i in shown) + MIN_REPLY <= width:
            break
        if column in shown:
            shown.remove(column)
    fixed = sum(WIDTHS[i] + 1 for i in shown)
    if fixed + MIN_REPLY > width:
        return _narrowest(shown, width)
    # A wide screen gives the name room first: a HELO name is longer than a reply's title.
    wider = min(max(width - fixed - WIDE_REPLY, 0), MAX_NAME - WIDTHS[NAME]) if NAME in shown else 0
    widths = tuple(WIDTHS[i] + (wider if i == NAME else 0) if WIDTHS[i]
                   else max(width - fixed - wider, MIN_REPLY) for i in shown)
    return tuple(shown), widths


def _narrowest(shown: list[int], width: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """No room for MIN_REPLY: the last reply takes what is left, or goes below NARROW_REPLY;
    then the name narrows (to MIN_NAME), never the id, steps or errors."""
    room = width - sum(WIDTHS[i] + 1 for i in shown)
    if room >= NARROW_REPLY:
        return tuple(shown), tuple(WIDTHS[i] or room for i in shown)
    kept = [i for i in shown if WIDTHS[i]]
    over = sum(WIDTHS[i] + 1 for i in kept) - 1 - width
    return tuple(kept), tuple(max(WIDTHS[i] - max(over, 0), MIN_NAME) if i == NAME
                              else WIDTHS[i] for i in kept)


def _row(cells: Sequence[str], shown: Sequence[int], widths: Sequence[int]) -> str:
    return " ".join(fit(cells[i], w) for i, w in zip(shown, widths, strict=True))


def table_fragments(model: ClassModel, choices: Choices, now: float, width: int,
                    height: int) -> Fragments:
    """The heading and the rows that fit, scrolled so the selected row shows."""
    lesson = has_lesson(model)
    shown, widths = _layout(width, lesson)
    headings = list(columns(choices.lang))
    if lesson:  # the lesson knows each student by name (the AUTH user, else the HELO name)
        headings[NAME] = say(choices.lang, "dashboard", "student-column")
    out: Fragments = [("class:dash.heading", fit(_row(headings, shown, widths), width)),
                      ("", "\n")]
    rows = model.rows(text=choices.filter_text, errors_only=choices.errors_only,
                      sort=choices.sort)
    if not rows:
        return out
    newest = model.newest()
    room = max(height - 1, 1)
    index = next((i for i, r in enumerate(rows) if r.session_id == choices.selected), 0)
    start = min(max(index - room + 1, 0), max(len(rows) - room, 0))
    for record in rows[start:start + room]:
        style = "class:dash.closed" if record.closed else ""
        if newest is not None and record is newest and not record.closed:
            style = "class:dash.newest"
        if record.session_id == choices.selected:
            style += " class:dash.selected"
        text = fit(_row(cells(record, model, choices.lang, now), shown, widths), width)
        out += [(style.strip(), text), ("", "\n")]
    return out


def exchange_step(exchange: Exchange) -> Step:
    """An Exchange as the student's console saw it: the line sent, the reply received."""
    reply = exchange.reply
    answer = Answer(reply.to_bytes(), reply.code, reply.enhanced, reply.lines,
                    exchange.then is Then.CLOSE, exchange)
    return Step(exchange.line or None, (answer,), exchange.state_before)


def transcript_fragments(record: SessionRecord | None, lang: str, width: int, height: int,
                         *, scroll: int = 0) -> Fragments:
    """The end of a session's transcript that fits (``scroll`` lines further up)."""
    if record is None:
        return [("class:dim", say(lang, "dashboard", "no-selection") + "\n")]
    title = say(lang, "dashboard", "transcript", id=record.session_id, peer=record.peer)
    room = max(height - 1, 1)
    lines: list[Fragments] = []
    for exchange in reversed(record.transcript):  # only as much as fits is rendered
        wrapped = split_lines(wrap_fragments(step_fragments(exchange_step(exchange), lang),
                                             max(width, 20)))
        lines[:0] = wrapped
        if len(lines) >= room + scroll:
            break
    end = max(len(lines) - scroll, min(room, len(lines)))
    out: Fragments = [("class:dash.heading", fit(title, width)), ("", "\n")]
    for line in lines[max(end - room, 0):end]:
        out += [*line, ("", "\n")]
    return out


def mistake_fragments(model: ClassModel, choices: Choices, width: int) -> Fragments:
    """"Common mistakes": each key's short title and how many sessions met it; the
    selected one's sessions under it."""
    lang = choices.lang
    heading = say(lang, "dashboard", "mistakes")
    if choices.step:
        heading = say(lang, "dashboard", "mistakes-at-step", step=choices.step,
                      goal=step_goal(model, choices.step, lang))
    out = wrap_fragments([("class:dash.heading", heading + "\n")], width)
    found = model.mistakes(step=choices.step)
    if not found:
        return [*out, ("class:dim", say(lang, "dashboard", "no-mistakes") + "\n")]
    for mistake in found:
        out += _mistake_line(mistake, choices, width)
    return out


def _mistake_line(mistake: Mistake, choices: Choices, width: int) -> Fragments:
    lang = choices.lang
    title = f"{mistake.code} {mistake_title(mistake.key, mistake.code, lang)}"
    count = mistake.count
    text = (say(lang, "dashboard", "mistake-line-one", title=title) if count == 1 else
            say(lang, "dashboard", "mistake-line", title=title, count=count))
    selected = mistake.key == choices.mistake
    out = wrap_fragments([("class:dash.selected" if selected else "", text + "\n")], width)
    if selected:
        ids = ", ".join(mistake.sessions)
        listed = wrap_fragments([("class:dim", say(lang, "dashboard", "mistake-sessions",
                                                   ids=ids) + "\n")], width)
        out += listed
    return out


def title_fragments(model: ClassModel, choices: Choices, url: str, width: int) -> Fragments:
    lang = choices.lang
    text = " " + say(lang, "dashboard", "title", url=url, sessions=model.total_sessions,
                     open=model.open_sessions, accepted=model.accepted)
    flags = [say(lang, "dashboard", "follow")] if choices.follow else []
    if choices.errors_only:
        flags.append(say(lang, "dashboard", "errors-only"))
    if choices.filter_text:
        flags.append(say(lang, "dashboard", "filter", text=show_text(choices.filter_text)))
    if choices.sort != SORTS[0]:
        flags.append(say(lang, "dashboard", "sorted", order=say(lang, "dashboard",
                                                                f"sort-{choices.sort}")))
    if model.discarded:
        flags.append(say(lang, "dashboard", "discarded-count", count=model.discarded))
    if flags:  # the flags stay in sight: on a narrow screen the title gives way first
        shown = " · " + " · ".join(flags)
        room = max(width - text_width(shown), width // 3)
        text = (text if text_width(text) <= room else fit(text, room)) + shown
    return [("class:dash.title", fit(text, width))]


def status_fragments(model: ClassModel, lang: str, width: int) -> Fragments:
    """The server's newest warning (with a count), how many exchanges the screen missed,
    if any; the keys."""
    out: Fragments = []
    if model.warning is not None:
        found = model.warning
        line = say(lang, "dashboard", "warning", count=model.warnings,
                   text=show_text(text(found.key, lang, **found.fields), limit=width))
        out += [("class:code.5xx", fit(line, width)), ("", "\n")]
    if model.dropped:
        out += [("class:code.4xx", fit(say(lang, "dashboard", "dropped", count=model.dropped),
                                       width)), ("", "\n")]
    keys = wrap_fragments([("class:dash.footer", say(lang, "dashboard", "keys"))], width)
    return [*out, *keys]


def spotlight_fragments(record: SessionRecord | None, lang: str, width: int,
                        height: int, model: ClassModel | None = None) -> Fragments:
    """One session full screen for the projector: its transcript and, in a lesson, the
    student's goals beside it."""
    if record is None:
        return [("class:dim", say(lang, "dashboard", "no-selection") + "\n")]
    head = say(lang, "dashboard", "spotlight", id=record.session_id, peer=record.peer)
    title: Fragments = [("class:dash.title", fit(" " + head, width)), ("", "\n")]
    if model is None or not record.steps_total:
        return [*title, *transcript_fragments(record, lang, width, height - 1)[2:]]
    side = min(max(width // 3, 24), width // 2)
    left = transcript_fragments(record, lang, width - side - 3, height - 1)[2:]
    right = goal_fragments(model, record, lang, side)
    return [*title, *side_by_side(left, right, width - side - 3, height - 1)]


def empty_fragments(lang: str, url: str) -> Fragments:
    """What the table says before anyone connected: how students connect."""
    host, _, port = url.removeprefix("smtp://").rpartition(":")
    host = host.strip("[]")
    return [("class:dim", say(lang, "dashboard", "no-session", host=host, port=port) + "\n")]

