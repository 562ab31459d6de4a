"""A demo on screen: the projector's full screen, and the plain playback for a pipe.

:func:`demo_screen` draws one frame from a :class:`DemoView` (a snapshot: nothing here
keeps state), so going back a step and replaying gives the very same frame, and tests can
compare frames. The transcript is the console's (:mod:`.transcript`): sent lines, replies,
explanations; client bytes escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from simulator.client.connection import Step, explain
from simulator.client.demoplayer import StepResult
from simulator.client.demoscript import StepKind
from simulator.lessons.classroom import say
from simulator.protocol.escape import show_typed

from .masking import StepMasker
from .transcript import Fragments, answer_fragments, explanation_fragments, sent_fragments
from .wrap import cut, text_width, wrap_fragments

CURSOR: Final = "▌"
DEMO_STYLE: Final = (
    ("demo.header", "reverse bold"),
    ("demo.caption", "ansibrightcyan bold"),
    ("demo.footer", "ansibrightblack"),
    ("demo.typing", "bold"),
)


@dataclass(frozen=True, slots=True)
class DemoView:
    """Everything one frame shows."""

    title: str
    lang: str
    greeting: Step | None
    results: tuple[StepResult, ...]
    total: int
    caption: str = ""
    typing: str | None = None
    """The line being typed, so far (None when nothing is being typed)."""
    partial: StepResult | None = None
    """The step being played: what it has sent and received so far."""
    typed: tuple[str, ...] = ()
    """Lines of a pipelined step typed but not sent yet (they leave in one write)."""
    explanations: bool = True
    autoplay: float | None = None
    """Seconds between steps while autoplay is on."""
    waiting: bool = False
    """Autoplay stopped at a ``:pause``."""
    speed: float = 20.0


_LINE: Final = re.compile(rb"[^\n]*\n|[^\n]+")


def sent_lines(sent: bytes) -> Fragments:
    """What was sent, one `` -> `` line per line (a pipelined write holds several). A line
    not ended by CRLF shows its ending (``\\n``): a bare LF is the lesson then."""
    out: Fragments = []
    for line in _LINE.findall(sent):
        out += sent_fragments(line, raw=not line.endswith(b"\r\n"))
    return out


def client_step_fragments(step: Step, lang: str, *, explanations: bool,
                          masker: StepMasker | None = None) -> Fragments:
    """One sent line (or pipelined lines) and the replies, explained or not; credentials
    masked (a projector is not the learner's own screen)."""
    step = (masker or StepMasker()).step(step)
    out: Fragments = [] if step.sent is None else sent_lines(step.sent)
    for answer in step.answers:
        out += answer_fragments(answer)
        if explanations:
            out += explanation_fragments(explain(answer, lang))
    return out


def result_fragments(result: StepResult, lang: str, *, explanations: bool,
                     masker: StepMasker | None = None) -> Fragments:
    """A played demo step: a reconnection notice, its sends and replies, what went unsent."""
    masker = masker or StepMasker()
    out: Fragments = []
    if result.step.kind is StepKind.RECONNECT:
        out.append(("class:dim", say(lang, "demo", "reconnected") + "\n"))
        masker.reset()
    for step in result.steps:
        out += client_step_fragments(step, lang, explanations=explanations, masker=masker)
    if result.unsent:
        out.append(("class:code.4xx", say(lang, "demo", "unsent", count=result.unsent) + "\n"))
    return out


def transcript(view: DemoView) -> Fragments:
    """The whole session so far and the line being typed. Only the newest step is explained
    (on a projector, the older explanations would push the newest off the screen)."""
    out: Fragments = []
    masker = StepMasker()
    newest = len(view.results) if view.partial is not None else next(
        (i for i in range(len(view.results) - 1, -1, -1) if view.results[i].steps), -1)
    # (a step of narration alone leaves the explanation of the step before it on screen)
    if view.greeting is not None:
        out += client_step_fragments(view.greeting, view.lang, masker=masker,
                                     explanations=view.explanations and newest < 0)
    for index, result in enumerate(view.results):
        out += result_fragments(result, view.lang, masker=masker,
                                explanations=view.explanations and index == newest)
    if view.partial is not None:
        out += result_fragments(view.partial, view.lang, explanations=view.explanations,
                                masker=masker)
    for line in view.typed:
        out += [("class:dim", " -> "), ("class:demo.typing",
                                        show_typed(masker.typed(line, complete=True)) + "\n")]
    if view.typing is not None:
        out += [("class:dim", " -> "),
                ("class:demo.typing", show_typed(masker.typed(view.typing)) + CURSOR),
                ("", "\n")]
    return out


def split_lines(fragments: Sequence[tuple[str, str]]) -> list[Fragments]:
    """Fragments cut at each newline: one list per screen line (newlines dropped)."""
    lines: list[Fragments] = [[]]
    for style, text in fragments:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append((style, part))
    if not lines[-1]:
        lines.pop()
    return lines


MIN_TITLE: Final = 12
"""Columns of the header's title and step below which the mode is dropped instead."""


def _header(view: DemoView, width: int) -> Fragments:
    title = view.title or say(view.lang, "demo", "untitled")
    n = min(len(view.results) + (view.typing is not None), view.total)
    left = " " + say(view.lang, "demo", "header", title=title, n=n, total=view.total)
    if view.waiting:
        mode = say(view.lang, "demo", "waiting")
    elif view.autoplay is not None:
        mode = say(view.lang, "demo", "autoplay", pace=f"{view.autoplay:g}")
    else:
        mode = say(view.lang, "demo", "manual")
    right = f"{mode} · {say(view.lang, 'demo', 'speed', speed=f'{view.speed:g}')} "
    if text_width(left) + text_width(right) >= width:  # narrow: only a pause is still said
        right = f"{mode} " if view.waiting else ""
    if text_width(left) + text_width(right) >= width:  # then both are cut to fit
        right = cut(right, max(width - MIN_TITLE, width // 2))
        left = cut(left, max(width - text_width(right) - 1, 0))
    gap = max(width - text_width(left) - text_width(right), 0)
    return [("class:demo.header", left + " " * gap + right)]


def _caption(view: DemoView, width: int) -> list[Fragments]:
    """The narration of the step on screen; how to begin, or that the demo is over."""
    if not view.results and view.typing is None:
        text = say(view.lang, "demo", "start")
    else:
        text = view.caption
        if len(view.results) >= view.total and view.typing is None:
            text = f"{text}\n{say(view.lang, 'demo', 'end')}".strip()
    if not view.explanations:
        text = f"{text}\n{say(view.lang, 'demo', 'explanations-off')}".strip()
    return split_lines(wrap_fragments([("class:demo.caption", text + "\n")], width))


def demo_screen(view: DemoView, width: int, height: int) -> Fragments:
    """One full frame: header, the end of the transcript that fits, caption, keys."""
    width = max(width, 20)
    caption = _caption(view, width)
    footer = split_lines(wrap_fragments(
        [("class:demo.footer", say(view.lang, "demo", "keys") + "\n")], width))
    room = max(height - 1 - len(caption) - len(footer) - 1, 1)
    body = split_lines(wrap_fragments(transcript(view), width))[-room:]
    body += [[] for _ in range(room - len(body))]
    rows: list[Fragments] = [_header(view, width), *body, [("class:dim", "─" * width)],
                             *caption, *footer]
    out: Fragments = []
    for index, row in enumerate(rows[:height]):
        out += row
        if index < min(len(rows), height) - 1:
            out.append(("", "\n"))
    return out


def playback_step(view: DemoView, result: StepResult, number: int,
                  masker: StepMasker | None = None) -> Fragments:
    """What unattended playback prints for one step: a rule, the narration, the exchange
    (``masker`` carries the AUTH dialogue from one step to the next)."""
    label = say(view.lang, "demo", "step", n=number, total=view.total)
    out: Fragments = [("class:dim", f"── {label} ──\n")]
    if result.step.caption:
        out += [("class:demo.caption", f"# {line}\n") for line in result.step.caption.split("\n")]
    out += result_fragments(result, view.lang, explanations=view.explanations, masker=masker)
    return out


def playback_start(view: DemoView) -> Fragments:
    """The title and the greeting, before the first step."""
    title = view.title or say(view.lang, "demo", "untitled")
    out: Fragments = [("class:title", title + "\n")]
    if view.greeting is not None:
        out += client_step_fragments(view.greeting, view.lang, explanations=view.explanations)
    return out
