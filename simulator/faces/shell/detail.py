"""How much of an explanation the console shows: the ``:detail`` level, what was explained
before, and the console's own QUIT told from its side."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final, Protocol

from simulator.client.connection import Answer, explain
from simulator.lessons.ui import text
from simulator.render.transcript import explanation_fragments

if TYPE_CHECKING:
    from simulator.lessons.annotate import Annotation

Fragments = list[tuple[str, str]]

LONG_REPLY: Final = 3
"""Reply lines past which the first explanation is brief (``:more`` has the rest)."""


class Explaining(Protocol):
    """What the console keeps about explaining (a :class:`ConsoleContext` is one)."""

    lang: str
    detail: str
    explained: set[str]
    leaving: str


def console_annotation(ctx: Explaining, answer: Answer) -> Annotation | None:
    """The explanation of ``answer``, told from the console's side when the console itself
    sent the command (the QUIT of Ctrl-D or :quit); the console is exiting then, so the next
    step is a goodbye, not how to reconnect."""
    annotation = explain(answer, ctx.lang)
    if annotation is not None and ctx.leaving and answer.code == 221:
        annotation = dataclasses.replace(
            annotation, why=text(f"console.why-{ctx.leaving}", ctx.lang),
            fix=text("console.goodbye", ctx.lang))
    return annotation


def explanation_at(ctx: Explaining, annotation: Annotation | None, answer: Answer) -> Fragments:
    """The explanation at the level ``:detail`` asks for. A long multi-line reply (an EHLO's
    extension list) is itself most of a 24-line screen, so by default its explanation is
    brief even the first time, with a pointer to :more."""
    from simulator.render.fragments import short_annotation_fragments

    if annotation is None or ctx.detail == "none":
        return []
    # a foreign reply has no key: its code and the command it answers stand for one
    key = annotation.key or f"{answer.after} {annotation.code}"
    seen = key in ctx.explained
    ctx.explained.add(key)
    if ctx.detail == "brief" or (ctx.detail == "auto" and seen):
        return short_annotation_fragments(annotation)
    if ctx.detail == "auto" and len(answer.lines) > LONG_REPLY:
        hint = text("console.more-hint", ctx.lang)
        return [*short_annotation_fragments(annotation), ("class:dim", f"  {hint}\n")]
    return explanation_fragments(annotation)
