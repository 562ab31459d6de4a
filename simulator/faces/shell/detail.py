"""How much of an explanation the console shows: the ``:detail`` level, what was explained
before, and the console's own QUIT told from its side."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from simulator.client.connection import Answer, explain
from simulator.lessons.ui import text
from simulator.render.transcript import explanation_fragments
from simulator.render.wrap import Fragments

if TYPE_CHECKING:
    from simulator.lessons.annotate import Annotation


LONG_REPLY: Final = 3
"""Reply lines past which the first explanation is brief (``:more`` has the rest)."""


@dataclass
class Explaining:
    """What the learner has been told: kept for a whole run, so the course's next lesson
    keeps a reply explained once brief, and keeps the ``:detail`` level."""

    detail: str = "auto"
    """``:detail``: full, brief, none, or auto (full the first time a reply key is seen,
    brief after that)."""
    explained: set[str] = field(default_factory=set)
    """The reply keys explained in full so far."""


def console_annotation(answer: Answer, lang: str, leaving: str) -> Annotation | None:
    """The explanation of ``answer``, told from the console's side when the console itself
    sent the command (the QUIT of Ctrl-D or :quit, ``leaving``); the console is exiting then,
    so the next step is a goodbye, not how to reconnect."""
    annotation = explain(answer, lang)
    if annotation is not None and leaving and answer.code == 221:
        annotation = dataclasses.replace(
            annotation, why=text(f"console.why-{leaving}", lang),
            fix=text("console.goodbye", lang))
    return annotation


def explanation_at(told: Explaining, lang: str, annotation: Annotation | None,
                   answer: Answer) -> Fragments:
    """The explanation at the level ``:detail`` asks for. A long multi-line reply (an EHLO's
    extension list) is itself most of a 24-line screen, so by default its explanation is
    brief even the first time, with a pointer to :more."""
    from simulator.render.fragments import short_annotation_fragments

    if annotation is None or told.detail == "none":
        return []
    # a foreign reply has no key: its code and the command it answers stand for one
    key = annotation.key or f"{answer.after} {annotation.code}"
    seen = key in told.explained
    told.explained.add(key)
    if told.detail == "brief" or (told.detail == "auto" and seen):
        return short_annotation_fragments(annotation)
    if told.detail == "auto" and len(answer.lines) > LONG_REPLY:
        hint = text("console.more-hint", lang)
        return [*short_annotation_fragments(annotation), ("class:dim", f"  {hint}\n")]
    return explanation_fragments(annotation)
