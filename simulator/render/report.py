"""The gradebook printed: a table for the terminal, CSV for a spreadsheet, Markdown for a
handout, JSON for a program (``smtp-sim report``).

Names come from what clients typed (a HELO name, an AUTH user): they are escaped here as on
every screen, and in CSV a cell that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``) is written as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Final

from simulator.lessons.classroom import mistake_title, say
from simulator.protocol.escape import show_typed

from .gradebook import ClassMistake, Gradebook, Row
from .wrap import cut, text_width

FORMATS: Final = ("text", "csv", "markdown", "json")
CLASS_MISTAKES: Final = 10
"""The class's mistakes listed (the JSON lists them all)."""
MISTAKE_WIDTH: Final = 36
"""Columns of the most-frequent-mistake cell in the text table."""
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def columns(book: Gradebook) -> tuple[str, ...]:
    """The table's columns: the steps one only for a lesson's log."""
    steps = ("lessons",) if book.lesson else ()
    return ("student", *steps, "sessions", "commands", "errors", "mistake", "accepted",
            "discarded", "first", "last")


def cells(row: Row, book: Gradebook, lang: str) -> dict[str, str]:
    """One row's cells, as text, in ``lang``."""
    lessons = ", ".join(f"{lesson} {done}/{total}" + (" ✓" if done >= total else "")
                        for lesson, done, total in row.lessons)
    mistake = ""
    if row.mistake is not None:
        key, times, code = row.mistake
        mistake = say(lang, "report", "mistake-cell", title=mistake_title(key, code, lang),
                      times=times)
    return {"student": show_typed(row.name), "lessons": lessons or "-",
            "sessions": str(row.sessions), "commands": str(row.commands),
            "errors": str(row.errors), "mistake": mistake or "-",
            "accepted": str(row.accepted), "discarded": str(row.discarded),
            "first": _when(row.first), "last": _when(row.last)}


def report(book: Gradebook, form: str, lang: str, width: int | None = None) -> str:
    """The whole report in ``form`` (one of FORMATS); ``width``: the terminal's, for text."""
    if form == "text":
        return _text(book, lang, width)
    return {"csv": _csv, "markdown": _markdown, "json": _json}[form](book, lang)


def _text(book: Gradebook, lang: str, width: int | None) -> str:
    """An aligned table; one block per student when the table is wider than the terminal
    (as psql's expanded display)."""
    names = columns(book)
    heads = [say(lang, "report", f"column-{name}") for name in names]
    table = [[shown[name] for name in names] for shown in
             ({**cells(row, book, lang), "mistake": cut(cells(row, book, lang)["mistake"],
                                                        MISTAKE_WIDTH)} for row in book.rows)]
    widths = [max(text_width(line[i]) for line in [heads, *table]) for i in range(len(names))]
    if width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
        lines = _expanded(heads, table)
    else:
        lines = [_aligned(line, widths) for line in [heads, *table]]
    return "\n".join([_headline(book, lang), "", *lines, "", *_mistake_lines(book, lang),
                      *_notes(book, lang)]) + "\n"


def _aligned(line: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell + " " * (width - text_width(cell))
                     for cell, width in zip(line, widths, strict=True)).rstrip()


def _expanded(heads: Sequence[str], table: Sequence[Sequence[str]]) -> list[str]:
    label = max(text_width(head) for head in heads)
    lines: list[str] = []
    for number, line in enumerate(table, 1):
        lines.append(f"-[ {number} ]" + "-" * 12)
        lines += [head + " " * (label - text_width(head)) + " | " + cell
                  for head, cell in zip(heads, line, strict=True)]
    return lines


def _markdown(book: Gradebook, lang: str) -> str:
    names = columns(book)
    head = [say(lang, "report", f"column-{name}") for name in names]
    lines = [f"# {say(lang, 'report', 'title')}", "", _headline(book, lang), "",
             _md_row(head), _md_row(["---"] * len(names))]
    lines += [_md_row([cells(row, book, lang)[name] for name in names]) for row in book.rows]
    lines += ["", f"## {say(lang, 'report', 'mistakes')}", ""]
    said = _mistake_lines(book, lang)
    lines += [f"- {line.strip()}" for line in said[1:]] if book.mistakes else said
    return "\n".join([*lines, "", *_notes(book, lang)]).rstrip("\n") + "\n"


def _csv(book: Gradebook, lang: str) -> str:
    names = columns(book)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([say(lang, "report", f"column-{name}") for name in names])
    for row in book.rows:
        shown = cells(row, book, lang)
        shown.update(first=row.first, last=row.last)  # the full time, for sorting
        writer.writerow([_cell(shown[name]) for name in names])
    writer.writerow([])
    writer.writerow([say(lang, "report", f"column-{name}")
                     for name in ("key", "mistake", "times", "students")])
    for mistake in book.mistakes:
        writer.writerow([_cell(mistake.key), _cell(_title(mistake, lang)), mistake.times,
                         mistake.students])
    return out.getvalue()


def _json(book: Gradebook, lang: str) -> str:
    students = [{"student": row.name, "finished": row.finished,
                 "lessons": [{"lesson": lesson, "steps_done": done, "steps": total}
                             for lesson, done, total in row.lessons],
                 "first": row.first, "last": row.last, "sessions": row.sessions,
                 "commands": row.commands, "errors": row.errors,
                 "most_frequent_mistake": None if row.mistake is None else
                 {"key": row.mistake[0], "times": row.mistake[1], "code": row.mistake[2]},
                 "messages_accepted": row.accepted, "messages_discarded": row.discarded}
                for row in book.rows]
    mistakes = [{"key": m.key, "code": m.code, "title": _title(m, lang), "times": m.times,
                 "students": m.students} for m in book.mistakes]
    return json.dumps({"students": students, "mistakes": mistakes,
                       "lines_skipped": book.skipped, "sessions_not_counted": book.untracked},
                      ensure_ascii=False, indent=2) + "\n"


def _headline(book: Gradebook, lang: str) -> str:
    line = say(lang, "report", "students", students=len(book.rows),
               sessions=sum(row.sessions for row in book.rows))
    if book.lesson:
        finished = sum(row.finished for row in book.rows)
        line += say(lang, "report", "finished", finished=finished)
    return line


def _mistake_lines(book: Gradebook, lang: str) -> list[str]:
    if not book.mistakes:
        return [say(lang, "report", "no-mistakes")]
    return [say(lang, "report", "mistakes")] + [
        say(lang, "report", "mistake-line", code=m.code, title=_title(m, lang),
            key=show_typed(m.key), times=m.times, students=m.students)
        for m in book.mistakes[:CLASS_MISTAKES]]


def _notes(book: Gradebook, lang: str) -> list[str]:
    notes = []
    if book.skipped:
        notes.append(say(lang, "report", "skipped", lines=book.skipped))
    if book.untracked:
        notes.append(say(lang, "report", "untracked", sessions=book.untracked))
    return notes


def _title(mistake: ClassMistake, lang: str) -> str:
    return show_typed(mistake_title(mistake.key, mistake.code, lang))


def _when(iso: str) -> str:
    """``2026-12-07T09:14:03.120+01:00`` as ``2026-12-07 09:14:03`` (the log's own zone)."""
    return iso[:19].replace("T", " ") if iso else "-"


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula ("-": empty)."""
    if value == "-":
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def _md_row(values: Sequence[str]) -> str:
    escaped = [value.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
               .replace("<", "&lt;") for value in values]
    return "| " + " | ".join(escaped) + " |"
