"""Transcripts on screen and on paper: the steps of a session with their explanations, as
prompt_toolkit-style fragments, plain or ANSI text, Markdown or JSON.

Shared by every face: the console prints these fragments, ``:save`` and ``smtp-sim run``
write the Markdown, ``run --format json`` the JSON. Sent lines are marked `` -> ``, received
lines ``<-  `` and errors ``<** `` (as swaks does); client bytes are always shown escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from simulator.client.connection import Answer, Step, explain
from simulator.client.script import Event, Note, Notice
from simulator.lessons.scenario_view import notice
from simulator.lessons.ui import text as ui_text
from simulator.protocol import State
from simulator.protocol.escape import show_bytes, show_typed
from simulator.protocol.lazyre import lazy
from simulator.render.fragments import (
    annotation_fragments,
    code_style,
    markdown_explanation,
    md_escape,
    to_ansi,
    to_plain,
)
from simulator.render.masking import StepMasker
from simulator.render.wrap import wrap_fragments

from .handshake import tls_fragments
from .wrap import Fragments as Fragments  # re-exported

if TYPE_CHECKING:
    from simulator.lessons.annotate import Annotation


SENT: Final = " -> "
RECEIVED: Final = "<-  "
"""A 1xx, 2xx or 3xx reply line (swaks' markers: an error must stand out without colour)."""
RECEIVED_ERROR: Final = "<** "
"""A 4xx or 5xx reply line (and bytes that are no SMTP reply)."""
NARRATION: Final = "# "
"""A script's narration line (a demo's caption) starts with this."""
SHOWN_LIMIT: Final = 1024
"""Characters of one sent line shown; a longer line is cut (the server refuses past 512)."""


_LINE: Final = lazy(rb"[^\n]*\n|[^\n]+")
"""A line with its LF, or what is left after the last LF."""


def received_marker(code: int) -> str:
    """``<-  `` for a success or an intermediate reply, ``<** `` for an error."""
    return RECEIVED if 1 <= code // 100 <= 3 else RECEIVED_ERROR


def wire_lines(wire: bytes, *, raw: bool = False) -> list[str]:
    """Each received line, escaped; with ``raw`` the CR and LF are shown as ``\\r\\n``."""
    return [show_bytes(line, visible_eol=raw, limit=SHOWN_LIMIT)
            for line in _LINE.findall(wire)]


def sent_text(sent: bytes, *, raw: bool = False) -> str:
    return show_bytes(sent, visible_eol=raw, limit=SHOWN_LIMIT)


def written_lines(sent: bytes) -> list[bytes]:
    """The lines of one write, each with its ending (a ``:pipeline`` group holds several)."""
    return _LINE.findall(sent) or [sent]


def sent_fragments(sent: bytes, *, raw: bool = False) -> Fragments:
    """One `` -> `` line per line sent."""
    out: Fragments = []
    for line in written_lines(sent):
        out += [("class:dim", SENT), ("class:sent", sent_text(line, raw=raw) + "\n")]
    return out


def answer_fragments(answer: Answer, *, raw: bool = False) -> Fragments:
    style = code_style(answer.code) if answer.code else "class:dim"
    marker = received_marker(answer.code)
    out: Fragments = []
    for line in wire_lines(answer.wire, raw=raw):
        out += [("class:dim", marker), (style, line + "\n")]
    return out


def notice_fragments(answer: Answer, lang: str) -> Fragments:
    """``(the server waited 3 s before answering)`` above a reply a scenario delayed, or
    ``(the server closed the connection without a reply)`` in place of one never sent."""
    if answer.exchange is None:
        return []
    said = notice(answer.exchange, lang)
    return [] if said is None else [("class:dim", said + "\n")]


def explanation_fragments(annotation: Annotation | None, *, brief: bool = True) -> Fragments:
    """The explanation under a reply, indented by render; nothing for non-SMTP bytes."""
    if annotation is None:
        return []
    return list(annotation_fragments(annotation, brief=brief))


def step_fragments(step: Step, lang: str, *, raw: bool = False, brief: bool = True,
                   ) -> Fragments:
    """One step on screen: the sent line, then each reply followed by its explanation."""
    out: Fragments = [] if step.sent is None else sent_fragments(step.sent, raw=raw)
    for answer in step.answers:
        out += notice_fragments(answer, lang)
        out += answer_fragments(answer, raw=raw)
        out += explanation_fragments(explain(answer, lang), brief=brief)
        if answer.problem:
            out.append(("class:code.5xx", ui_text(answer.problem, lang) + "\n"))
    return out + tls_fragments(step, lang)  # after STARTTLS's 220: the handshake, as the console


def notice_text(notice: Notice, lang: str) -> str:
    return ui_text(notice.key, lang, **dict(notice.fields))


def event_fragments(event: Event, lang: str, *, raw: bool = False) -> Fragments:
    """One script event on screen: a step, narration (``# ...``) or a player's notice."""
    if isinstance(event, Note):
        return [("class:title", f"{NARRATION}{show_typed(event.text)}\n")]
    if isinstance(event, Notice):
        return [("class:dim", show_typed(notice_text(event, lang)) + "\n")]
    return step_fragments(event, lang, raw=raw)


MARKERS: Final = (SENT, RECEIVED, RECEIVED_ERROR, NARRATION)
"""The markers a transcript line may start with: a long one goes on under its text, the
marker column clear."""


def for_width(fragments: Fragments, width: int | None) -> Fragments:
    """A transcript wrapped for a terminal ``width`` columns wide, as the console wraps it:
    at word (or ideograph) boundaries, explanations keeping their indent, wire lines hanging
    under their text. ``None`` (a file or a pipe) leaves one line per logical line."""
    if width is None:
        return fragments
    return wrap_fragments(fragments, width, markers=MARKERS)


def event_text(event: Event, lang: str, *, color: bool, raw: bool = False,
               width: int | None = None) -> str:
    """One event as text; wrapped to ``width`` columns when it goes to a terminal."""
    fragments = for_width(event_fragments(event, lang, raw=raw), width)
    return to_ansi(fragments) if color else to_plain(fragments)


def format_text(steps: Sequence[Event], lang: str, *, color: bool, raw: bool = False) -> str:
    """The transcript for a terminal (ANSI colours) or a file (plain)."""
    return "".join(event_text(step, lang, color=color, raw=raw) for step in steps)


FENCE: Final = "```"
"""Every line inside a block starts with a marker, so no line can close a plain fence."""


class MarkdownWriter:
    """A handout written as it goes: each exchange in a code block, explanations below it;
    a message's text lines (sent in DATA, no reply of their own) share one block, closed
    by the reply to the final dot. Narration and notices are paragraphs between blocks."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._open = False

    def header(self, title: str | None = None) -> list[str]:
        return [f"# {title or ui_text('transcript.title', self.lang)}", ""]

    def event(self, event: Event) -> list[str]:
        if isinstance(event, Note | Notice):
            shown = event.text if isinstance(event, Note) else notice_text(event, self.lang)
            prefix = "" if isinstance(event, Note) else "*"
            return [*self.end(), f"{prefix}{md_escape(show_typed(shown))}{prefix}", ""]
        out = [] if self._open else [FENCE + "text"]
        self._open = True
        if event.sent is not None:
            out += [SENT + sent_text(line) for line in written_lines(event.sent)]
        if not event.answers and event.state_before is State.DATA:
            return out  # message text: the block stays open for the next line
        for answer in event.answers:
            out += [received_marker(answer.code) + line for line in wire_lines(answer.wire)]
        out += self.end()
        for answer in event.answers:
            annotation = explain(answer, self.lang)
            if annotation is not None:
                out += [*markdown_explanation(annotation), ""]
        for _, line in tls_fragments(event, self.lang):  # the handshake, one paragraph a line
            out += [f"*{md_escape(line.rstrip())}*", ""]
        return out

    def end(self) -> list[str]:
        """Close the open block, if any."""
        if not self._open:
            return []
        self._open = False
        return [FENCE, ""]


def shared(events: Sequence[Event]) -> list[Event]:
    """``events`` as a file handed to someone else may show them: credentials masked as the
    serve log masks them (``AUTH PLAIN ****``, ``****`` for a line answering a 334), in
    order, since whether a line is a credential depends on the reply before it."""
    masker = StepMasker()
    return [masker.step(event) if isinstance(event, Step) else event for event in events]


def format_markdown(steps: Sequence[Event], lang: str, *, title: str | None = None) -> str:
    """The whole handout of ``steps`` (``:save``; ``run`` writes it as it goes), credentials
    masked: a saved file is shared (handed in to a teacher), not the learner's own screen."""
    writer = MarkdownWriter(lang)
    out = writer.header(title)
    for step in shared(steps):
        out += writer.event(step)
    out += writer.end()
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


def event_json(event: Event, lang: str) -> dict[str, object]:
    """One event as a JSON object: a step, ``{"note": ...}`` or ``{"notice": ...}``."""
    if isinstance(event, Note):
        return {"note": event.text}
    if isinstance(event, Notice):
        return {"notice": notice_text(event, lang)}
    record: dict[str, object] = {
        "sent": None if event.sent is None else sent_text(event.sent),
        "state_before": event.state_before.value,
        "replies": [_answer_json(answer, lang) for answer in event.answers]}
    if event.tls is not None:
        record["tls"] = {"version": event.tls.version, "cipher": event.tls.cipher}
    return record
