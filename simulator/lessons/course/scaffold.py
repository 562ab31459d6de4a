"""``smtp-sim lessons new ID``: a new lesson file with every field a lesson needs, as
rustlings' ``dev new`` starts an exercise.

The file is ``NN-ID.toml`` in the course folder, NN the number after the folder's highest;
its texts are placeholders (``course.placeholder`` of each ``ui.LANG.toml``) that ``lessons check``
names until they are written (:func:`placeholders`). The template is data:
``lessons/templates/new-lesson.toml.in``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..load import LANGS
from ..ui import text
from .model import Lesson

LESSON_ID: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID: Final = 40
_NUMBERED: Final = re.compile(r"(\d{2})-(.+)\.toml")


@dataclass(frozen=True, slots=True)
class Planned:
    """Where the new lesson goes, or why it cannot: ``refused`` names the ui text
    (``course.new-KEY``) and its fields."""

    path: Path | None
    number: int = 0
    refused: str = ""


def plan(root: Path, ident: str) -> Planned:
    """The file ``lessons new ident`` would make in ``root``, or why not."""
    if not LESSON_ID.fullmatch(ident) or len(ident) > MAX_ID:
        return Planned(None, refused="bad-id")
    try:
        names = [path.name for path in root.iterdir()]
    except OSError:
        return Planned(None, refused="no-folder")
    taken = [match for match in map(_NUMBERED.fullmatch, names) if match]
    if any(match[2] == ident for match in taken):
        return Planned(None, refused="exists")
    number = max((int(match[1]) for match in taken), default=0) + 1
    if number > 99:
        return Planned(None, refused="full")
    return Planned(root / f"{number:02d}-{ident}.toml", number)


def fill(template: str, ident: str, number: int) -> str:
    return template.replace("@ID@", ident).replace("@NUMBER@", str(number))


def placeholders(lesson: Lesson) -> list[str]:
    """Texts and script lines still holding the template's placeholders."""
    found: list[tuple[str, str]] = []
    for lang, words in lesson.texts.items():
        found += [(f"{lang}.{name}", value) for name, value in
                  (("title", words.title), ("intro", words.intro), ("summary", words.summary))]
        for index, goal in enumerate(lesson.goals):
            step = words.steps[goal.id]
            found += [(f"steps[{index}].{lang}.goal", step.goal),
                      (f"steps[{index}].{lang}.question", step.question)]
            found += [(f"steps[{index}].{lang}.hints[{i}]", hint)
                      for i, hint in enumerate(step.hints)]
    found += _lines("solution", lesson.solution.lines)
    for index, attempt in enumerate(lesson.wrong):
        found += _lines(f"wrong[{index}]", attempt.lines)
    markers = {text("course.placeholder", lang) for lang in LANGS}  # TODO, and in Chinese
    return [f"{lesson.path}: {where}: still the placeholder of smtp-sim lessons new; write it"
            for where, value in found if any(marker in value for marker in markers)]


def _lines(where: str, lines: Iterable[str]) -> list[tuple[str, str]]:
    return [(f"{where}[{index}]", line) for index, line in enumerate(lines)]
