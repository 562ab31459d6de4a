"""The console's look-up commands inside a lesson: ``:explain``, ``:more``, ``:state``,
``:mailbox``. Built from the same layers the console uses (lessons, render), not from the
console face itself (faces never import each other)."""

from __future__ import annotations

import contextlib

from simulator.client import Step, explain
from simulator.files import FileRefused, open_output
from simulator.lessons.course import Lesson, LessonRun
from simulator.lessons.course.words import say
from simulator.lessons.refusals import say as refusal
from simulator.protocol.escape import show_bytes, show_typed

Fragments = list[tuple[str, str]]
TOOL_COMMANDS = (":explain", ":more", ":state", ":mailbox")


def tool_fragments(name: str, argument: str, run: LessonRun, lang: str) -> Fragments:
    """What one look-up command shows."""
    if name == ":explain":
        return _explain(argument, lang)
    if name == ":more":
        return _more(run, lang)
    if name == ":state":
        from simulator.render.statediagram import diagram

        return diagram(run.session.state, lang)
    return _mailbox(argument, run, lang)


def _explain(argument: str, lang: str) -> Fragments:
    from simulator.lessons.lookup import ExplainError, parse_request
    from simulator.render import explain_fragments

    try:
        request = parse_request(argument.split(), lang)
    except ExplainError as err:
        return [("class:code.5xx", f"{err}\n")]
    return [*explain_fragments(request.entries, request.comparison, request.enhanced),
            ("", "\n")]


def _more(run: LessonRun, lang: str) -> Fragments:
    from simulator import render
    from simulator.lessons import UnknownCodeError, code_entry
    from simulator.render.transcript import explanation_fragments

    from .lesson import as_step

    if not run.exchanges:
        return [("class:dim", say("more-none", lang) + "\n")]
    last = run.exchanges[-1]
    answer = as_step(None, (last,), last.state_before).answers[0]
    annotation = explain(answer, lang)
    fragments = explanation_fragments(annotation, brief=False)
    with contextlib.suppress(UnknownCodeError):
        fragments += [("", "\n"), *render.entry_fragments(code_entry(answer.code, lang))]
    return fragments


def _mailbox(argument: str, run: LessonRun, lang: str) -> Fragments:
    messages = [exchange.message for exchange in run.exchanges if exchange.message is not None]
    if not messages:
        return [("class:dim", say("mailbox-empty", lang) + "\n")]
    if not argument:
        out: Fragments = []
        for number, message in enumerate(messages, 1):
            envelope = message.envelope
            recipients = ", ".join(f"<{show_bytes(r.encode())}>" for r in envelope.recipients)
            out += [("class:title", f"  {number}. "),
                    ("", f"<{show_bytes(envelope.sender.encode())}> -> {recipients}, "
                         f"{len(message.content)} octets, {message.queue_id}\n")]
        return [*out, ("class:dim", say("mailbox-show", lang) + "\n")]
    if not (argument.isascii() and argument.isdigit()) or not 1 <= int(argument) <= len(messages):
        return [("class:code.5xx", say("mailbox-missing", lang,
                                       number=show_bytes(argument.encode())) + "\n")]
    content = messages[int(argument) - 1].content
    lines = content.removesuffix(b"\r\n").split(b"\r\n")  # blank lines matter (header/body)
    return [("", show_bytes(line.replace(b"\t", b"    ")) + "\n") for line in lines]


def save_transcript(path: str, steps: list[Step], lesson: Lesson, lang: str,
                    ) -> tuple[str, str, dict[str, object]]:
    """``:save FILE``: the lesson so far as Markdown; (notice key, style, fields) to say."""
    from pathlib import Path

    from simulator.render.transcript import format_markdown

    if not path:
        return "save-usage", "class:code.5xx", {}
    title = say("lesson-heading", lang, number=lesson.number, title=lesson.text(lang).title)
    try:
        with open_output(Path(path).expanduser()) as out:  # a FIFO nobody reads: refused
            out.write(format_markdown(steps, lang, title=title))
    except FileRefused as err:
        return "save-failed", "class:code.5xx", {"path": show_typed(path),
                                                  "error": refusal(err, lang)}
    except OSError as err:
        return "save-failed", "class:code.5xx", {"path": show_typed(path),
                                                  "error": err.strerror or err}
    return "saved", "class:dim", {"path": show_typed(path), "count": len(steps)}
