"""A bounce explained (:class:`simulator.lessons.bounce_view.BounceView`) as fragments for a
terminal, as Markdown for a handout, or as JSON for a program."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from simulator.lessons.ui import text

from .fragments import INDENT, Fragments, code_style, md_escape

if TYPE_CHECKING:
    from simulator.lessons.bounce_view import BounceView, RecipientView


def _action(view: RecipientView, lang: str) -> str:
    if view.action in ("failed", "delayed"):
        return text(f"bounce.action-{view.action}", lang)
    return text("bounce.action-other", lang, action=view.action)


def _status(view: RecipientView) -> str:
    return " ".join(part for part in (str(view.code or ""), view.status) if part)


def _sections(view: RecipientView, lang: str) -> list[tuple[str, str, str]]:
    """(heading, style, text) of each section under a recipient; empty ones left out."""
    return [(text(f"bounce.{name}", lang), style, value) for name, style, value in (
        ("said", "class:sent", view.said), ("meaning", "", f"{view.title}\n{view.meaning}"),
        ("who", "class:why", view.who), ("retry", "class:why", view.retry),
        ("fix", "class:fix", view.fix)) if value.strip()]


def bounce_fragments(bounce: BounceView) -> Fragments:
    """The report for a terminal: a summary, the route, then each recipient's sections."""
    out: Fragments = [("class:title", bounce.summary + "\n")]
    if bounce.route:
        out.append(("class:dim", bounce.route + "\n"))
    for view in bounce.recipients:
        style = code_style(view.code or (400 if view.retry_later else 500))
        out += [("", "\n"), ("class:heading", view.recipient),
                ("class:dim", f" · {_action(view, bounce.lang)} · "), (style, _status(view) + "\n")]
        for heading, section_style, value in _sections(view, bounce.lang):
            out.append(("class:heading", f"{INDENT}{heading}\n"))
            out += [(section_style, f"{INDENT}{INDENT}{line}\n")
                    for line in value.strip().splitlines() if line.strip()]
    return out


def bounce_markdown(bounce: BounceView) -> str:
    """The report as Markdown: one heading per recipient, one sub-heading per section."""
    lines = [f"# {md_escape(bounce.summary)}", ""]
    if bounce.route:
        lines += [md_escape(bounce.route), ""]
    for view in bounce.recipients:
        lines += [f"## {md_escape(view.recipient)}: {md_escape(_action(view, bounce.lang))}, "
                  f"{_status(view)}", ""]
        for heading, _, value in _sections(view, bounce.lang):
            body = "\n\n".join(md_escape(line) for line in value.strip().splitlines()
                               if line.strip())
            lines += [f"### {md_escape(heading)}", "", body, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def bounce_json(bounce: BounceView) -> str:
    """The report as JSON, every field named (``retry_later`` for a program to act on)."""
    document = {
        "lang": bounce.lang, "kind": bounce.kind, "summary": bounce.summary,
        "reporting_mta": bounce.reporting_mta, "hops": list(bounce.hops),
        "recipients": [{"recipient": v.recipient, "action": v.action, "code": v.code,
                        "status": v.status, "said": v.said, "title": v.title,
                        "meaning": v.meaning, "who": v.who, "retry": v.retry,
                        "retry_later": v.retry_later, "fix": v.fix}
                       for v in bounce.recipients],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
