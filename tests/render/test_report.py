"""The gradebook as printed: a table (or one block per student on a narrow terminal), CSV a
spreadsheet cannot be tricked by, Markdown, JSON; names escaped; English and Chinese."""

from __future__ import annotations

import csv
import io
import json

import pytest

from simulator.render.gradebook import Gradebook, collect
from simulator.render.report import report
from tests.render.test_gradebook import event, exchange

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\x1b[31mred", "<script>|`"]


def book_of(*names: str) -> Gradebook:
    records: list[object] = []
    for number, name in enumerate(names):
        session, client = f"S{number}", f"127.0.0.1:{4000 + number}"
        records += [exchange(session, "EHLO pc.lab", 250, "session.ehlo", client=client),
                    event(session, "student", client=client, student=name,
                          lesson="first-mail", total=2),
                    event(session, "step", client=client, student=name, lesson="first-mail",
                          step="greet", done=1, total=2),
                    exchange(session, "QUT", 500, "syntax.unknown-command", client=client)]
    return collect(records)


def test_the_text_table_names_each_student_with_steps_and_mistakes() -> None:
    text = report(book_of("ann", "bob"), "text", "en", 200)
    assert "Students: 2; sessions: 2; finished the lesson: 0" in text
    lines = text.splitlines()
    head = next(line for line in lines if line.startswith("student"))
    assert "lesson: steps" in head and "most frequent mistake" in head
    ann = next(line for line in lines if line.startswith("ann "))
    assert "first-mail 1/2" in ann and "unknown command (typo?) ×1" in ann
    assert "  500 unknown command (typo?) (syntax.unknown-command): students 2, times 2" in lines


def test_a_narrow_terminal_gets_one_block_per_student() -> None:
    text = report(book_of("ann"), "text", "en", 60)
    assert "-[ 1 ]" in text and "student               | ann" in text
    assert all(len(line) <= 60 for line in text.splitlines() if "|" in line)


def test_csv_cells_never_become_formulas() -> None:
    text = report(book_of(*HOSTILE), "csv", "en")
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[0] for row in rows[1:1 + len(HOSTILE)]]
    assert names[:4] == ["'" + name for name in HOSTILE[:4]]
    assert "\x1b" not in text and names[4] == "\\x1b[31mred"


def test_markdown_keeps_the_table_whole_and_html_out() -> None:
    text = report(book_of("<script>|`"), "markdown", "en")
    row = next(line for line in text.splitlines() if "script" in line)
    assert "&lt;script>\\|\\`" in row and row.count(" | ") == 9  # ten cells: the escaped | joins none


def test_json_is_for_programs() -> None:
    document = json.loads(report(book_of("ann"), "json", "en"))
    [ann] = document["students"]
    assert ann["lessons"] == [{"lesson": "first-mail", "steps_done": 1, "steps": 2}]
    assert ann["most_frequent_mistake"] == {"key": "syntax.unknown-command", "times": 1,
                                            "code": 500}
    assert document["mistakes"][0]["students"] == 1 and not ann["finished"]


@pytest.mark.parametrize("form", ["text", "markdown", "csv"])
def test_the_report_speaks_chinese(form: str) -> None:
    text = report(book_of("ann"), form, "zh", 200)
    assert "学生" in text and "最常犯的错误" in text and "未知命令" in text
