"""``smtp-sim grade``'s report: text a student reads, JSON for scripts, JUnit XML for CI
systems, and Gradescope's ``results.json`` (its autograder specification: ``score``,
``output``, and ``tests`` with ``name``, ``score``, ``max_score``, ``status``, ``output``).

A failed item shows the line the program sent (escaped, ``visible_eol``: a bare LF shows
as ``\\n``, which is the point), the server's reply and its explanation as the console gives
it, then how to fix the program. Credentials are masked: a grader sees the report too.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Final

from simulator.lessons.annotate import annotate
from simulator.lessons.grading import Grade, ItemResult, Verdict
from simulator.lessons.grading.words import item_text, say
from simulator.protocol import Exchange
from simulator.protocol.credentials import masked
from simulator.protocol.escape import show_bytes

from .transcript import SENT, received_marker, wire_lines

FORMATS: Final = ("text", "json", "junit")
MARKS: Final = {Verdict.PASSED: "passed", Verdict.FAILED: "failed",
                Verdict.NOT_APPLICABLE: "not-applicable"}
SHOWN: Final = 512


def _sent(exchange: Exchange) -> str:
    return show_bytes(masked(exchange).line, visible_eol=True, limit=SHOWN)


def _reply_lines(exchange: Exchange) -> list[str]:
    marker = received_marker(exchange.reply.code)
    return [marker + line for line in wire_lines(exchange.reply.to_bytes())]


def evidence_lines(result: ItemResult, lang: str) -> list[str]:
    """What shows a failed item: the line sent, the reply, why, and how to fix it."""
    lines: list[str] = []
    exchange = result.evidence
    if exchange is not None:
        session = result.session or "?"
        if exchange.line:
            lines += [say(lang, "report", "in-session", session=session),
                      SENT + _sent(exchange)]
        else:
            lines.append(say(lang, "report", "nothing-sent", session=session))
        lines += [say(lang, "report", "server-said"), *_reply_lines(exchange)]
        why = annotate(exchange, lang).why
        if why:
            lines.append(say(lang, "report", "why", text=why))
    fix = item_text(result.item, lang, "fix")
    if fix:
        lines.append(say(lang, "report", "how", text=fix))
    return lines


def format_text(grade: Grade, lang: str, *, host: str, port: int,
                status: int | None = None) -> str:
    out = [say(lang, "report", "heading", title=grade.rubric.titles.get(lang, "")), ""]
    count = len(grade.sessions)
    out.append(say(lang, "report", "sessions", count=count) if count
               else say(lang, "report", "no-sessions", host=host, port=port))
    if status is not None:
        out.append(say(lang, "report", "exit-status", status=status))
    out.append("")
    for result in grade.results:
        mark = say(lang, "report", MARKS[result.verdict])
        points = say(lang, "report", "points", points=result.points, max=result.item.points)
        out.append(f"[{mark}] {result.item.id}: {item_text(result.item, lang, 'title')} "
                   f"({points})")
        if result.verdict is Verdict.FAILED:
            out += ["    " + line for line in evidence_lines(result, lang)]
    out += ["", say(lang, "report", "total", score=grade.score, max=grade.rubric.max_points)]
    failed = sum(r.item.required and r.verdict is Verdict.FAILED for r in grade.results)
    out.append(say(lang, "report", "some-failed", count=failed) if failed
               else say(lang, "report", "all-required"))
    return "\n".join(out) + "\n"


def _exchange_json(exchange: Exchange) -> dict[str, object]:
    return {"sent": _sent(exchange) if exchange.line else None,
            "reply": exchange.reply.to_bytes().decode("utf-8", "replace"),
            "code": exchange.reply.code, "key": exchange.reply.key,
            "sent_ahead": exchange.sent_ahead}


def format_json(grade: Grade, lang: str, *, host: str, port: int,
                status: int | None = None) -> str:
    items = [{"id": r.item.id, "title": item_text(r.item, lang, "title"),
              "verdict": r.verdict.value, "points": r.points, "max_points": r.item.points,
              "required": r.item.required, "session": r.session,
              "evidence": None if r.evidence is None else _exchange_json(r.evidence),
              "explanation": evidence_lines(r, lang) if r.verdict is Verdict.FAILED else []}
             for r in grade.results]
    sessions = [{"id": s.id, "peer": s.peer,
                 "transcript": [_exchange_json(e) for e in s.exchanges]}
                for s in grade.sessions]
    document = {"rubric": grade.rubric.name, "title": grade.rubric.titles.get(lang),
                "server": f"smtp://{host}:{port}", "exit_status": status,
                "passed": grade.passed, "total": grade.score,
                "max_total": grade.rubric.max_points, "items": items, "sessions": sessions}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_junit(grade: Grade, lang: str, *, host: str, port: int,
                 status: int | None = None) -> str:
    """One ``testsuite``, one ``testcase`` per item: ``failure`` when it failed,
    ``skipped`` when it did not apply (the JUnit XML that CI systems read)."""
    failures = sum(r.verdict is Verdict.FAILED for r in grade.results)
    skipped = sum(r.verdict is Verdict.NOT_APPLICABLE for r in grade.results)
    suite = ET.Element("testsuite", name=f"smtp-sim grade {grade.rubric.name}",
                       tests=str(len(grade.results)), failures=str(failures),
                       errors="0", skipped=str(skipped))
    for result in grade.results:
        case = ET.SubElement(suite, "testcase", classname=f"smtp-sim.{grade.rubric.name}",
                             name=result.item.id)
        title = item_text(result.item, lang, "title")
        if result.verdict is Verdict.FAILED:
            failure = ET.SubElement(case, "failure", message=title)
            failure.text = "\n".join(evidence_lines(result, lang))
        elif result.verdict is Verdict.NOT_APPLICABLE:
            ET.SubElement(case, "skipped", message=say(lang, "report", "not-applicable"))
    root = ET.Element("testsuites")
    root.append(suite)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def gradescope_json(grade: Grade, lang: str) -> str:
    """Gradescope's results.json: the score, and one test per item with its output."""
    tests = [{"name": f"{r.item.id}: {item_text(r.item, lang, 'title')}",
              "score": r.points, "max_score": r.item.points,
              "status": "failed" if r.verdict is Verdict.FAILED else "passed",
              "output": "\n".join(evidence_lines(r, lang)) if r.verdict is Verdict.FAILED
              else say(lang, "report", MARKS[r.verdict])}
             for r in grade.results]
    output = say(lang, "report", "total", score=grade.score, max=grade.rubric.max_points)
    return json.dumps({"score": grade.score, "output": output, "tests": tests},
                      ensure_ascii=False, indent=2) + "\n"


def report(grade: Grade, fmt: str, lang: str, *, host: str, port: int,
           status: int | None = None) -> str:
    """The report in ``fmt`` (one of FORMATS)."""
    render = {"json": format_json, "junit": format_junit}.get(fmt, format_text)
    return render(grade, lang, host=host, port=port, status=status)
