"""Transcripts on screen and on paper: the steps of a session with their explanations, as
prompt_toolkit-style fragments, plain or ANSI text, Markdown or JSON.

Shared by every face: the console prints these fragments, ``:save`` and ``smtp-sim run``
write the Markdown, ``run --format json`` the JSON. Sent lines are marked `` -> ``, received
lines ``<-  `` (as swaks does); client bytes are always shown escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from simulator.client import Answer, Step, explain
from simulator.protocol.escape import show_bytes

if TYPE_CHECKING:
    from simulator.lessons import Annotation

Fragments = list[tuple[str, str]]

SENT: Final = " -> "
RECEIVED: Final = "<-  "
_WIRE_LINE: Final = re.compile(rb"[^\n]*\n|[^\n]+")


def wire_lines(wire: bytes, *, raw: bool = False) -> list[str]:
    """Each received line, escaped; with ``raw`` the CR and LF are shown as ``\\r\\n``."""
    return [show_bytes(line, visible_eol=raw) for line in _WIRE_LINE.findall(wire)]


def sent_fragments(sent: bytes, *, raw: bool = False) -> Fragments:
    return [("class:dim", SENT), ("class:sent", show_bytes(sent, visible_eol=raw) + "\n")]


def answer_fragments(answer: Answer, *, raw: bool = False) -> Fragments:
    from .fragments import code_style

    style = code_style(answer.code) if answer.code else "class:dim"
    out: Fragments = []
    for line in wire_lines(answer.wire, raw=raw):
        out += [("class:dim", RECEIVED), (style, line + "\n")]
    return out


def notice_fragments(answer: Answer, lang: str) -> Fragments:
    """``(the server waited 3 s before answering)`` above a reply a scenario delayed, or
    ``(the server closed the connection without a reply)`` in place of one never sent."""
    if answer.exchange is None:
        return []
    from simulator.lessons.scenario_view import notice

    said = notice(answer.exchange, lang)
    return [] if said is None else [("class:dim", said + "\n")]


def explanation_fragments(annotation: Annotation | None, *, brief: bool = True) -> Fragments:
    """The explanation under a reply, indented by render; nothing for non-SMTP bytes."""
    if annotation is None:
        return []
    from .fragments import annotation_fragments

    return list(annotation_fragments(annotation, brief=brief))


def step_fragments(step: Step, lang: str, *, raw: bool = False, brief: bool = True,
                   ) -> Fragments:
    """One step on screen: the sent line, then each reply followed by its explanation."""
    out: Fragments = [] if step.sent is None else sent_fragments(step.sent, raw=raw)
    for answer in step.answers:
        out += notice_fragments(answer, lang)
        out += answer_fragments(answer, raw=raw)
        out += explanation_fragments(explain(answer, lang), brief=brief)
    return out


def format_text(steps: Sequence[Step], lang: str, *, color: bool, raw: bool = False) -> str:
    """The transcript for a terminal (ANSI colours) or a file (plain)."""
    from .fragments import to_ansi, to_plain

    fragments: Fragments = []
    for step in steps:
        fragments += step_fragments(step, lang, raw=raw)
    return to_ansi(fragments) if color else to_plain(fragments)


def _markdown_explanation(annotation: Annotation) -> list[str]:
    """The explanation as a short list: title, class meaning, why, fix, rule (escaped)."""
    from simulator.lessons import labels

    from .fragments import fix_label, md_escape

    words = labels(annotation.lang)
    lines = [f"**{md_escape(annotation.title)}**", "", f"- {md_escape(annotation.meaning)}"]
    fix = fix_label(words, annotation.code)
    for label, text in ((words["why"], annotation.why), (fix, annotation.fix),
                        (words["rfc"], annotation.rfc or "")):
        if text:
            body = md_escape(text).replace("\n", "  \n  ")
            lines.append(f"- **{md_escape(label)}**{words['colon']}{body}")
    return lines


def _fence(block: list[str]) -> str:
    """A code fence longer than any run of backticks in the block (CommonMark §4.5)."""
    longest = max((len(run) for line in block for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def format_markdown(steps: Sequence[Step], lang: str, *, title: str = "SMTP transcript") -> str:
    """A handout: each exchange as a code block, its explanations below it."""
    out = [f"# {title}", ""]
    for step in steps:
        block = [] if step.sent is None else [SENT + show_bytes(step.sent)]
        for answer in step.answers:
            block += [RECEIVED + line for line in wire_lines(answer.wire)]
        fence = _fence(block)
        out += [fence + "text", *block, fence, ""]
        for answer in step.answers:
            annotation = explain(answer, lang)
            if annotation is not None:
                out += [*_markdown_explanation(annotation), ""]
    return "\n".join(out)


def _answer_json(answer: Answer, lang: str) -> dict[str, object]:
    annotation = explain(answer, lang)
    record: dict[str, object] = {
        "code": answer.code, "enhanced": answer.enhanced,
        "key": None if answer.exchange is None else answer.exchange.reply.key,
        "wire": wire_lines(answer.wire), "closes": answer.closes,
    }
    if answer.exchange is not None:
        record["state_after"] = answer.exchange.state_after.value
        if answer.exchange.rule is not None:  # a scenario rule decided this reply
            record["rule"] = answer.exchange.rule.name
            record["delay"] = answer.exchange.delay
            record["hung_up"] = answer.exchange.hang_up
    if annotation is not None:
        record["explanation"] = {"title": annotation.title, "meaning": annotation.meaning,
                                 "why": annotation.why, "fix": annotation.fix,
                                 "rfc": annotation.rfc}
    return record


def format_json(steps: Sequence[Step], lang: str, *, unsent: int = 0) -> str:
    """Machine-readable: one object per step, replies with key, wire lines and explanation."""
    records = [{"sent": None if step.sent is None else show_bytes(step.sent),
                "state_before": step.state_before.value,
                "replies": [_answer_json(answer, lang) for answer in step.answers]}
               for step in steps]
    return json.dumps({"lang": lang, "steps": records, "unsent_lines": unsent},
                      ensure_ascii=False, indent=2)
