"""Quiz steps: a lesson that teaches reading (a bounce, a header) asks, and the learner answers
with ``:answer TEXT``. Pure: an answer in, the progress out, on the same road typed, piped or
replayed by ``lessons check``.

Answers are compared normalized, so the learner is judged on what they read, not how they
typed it: case and surrounding space do not count, nor do ``<>`` around an address
(``<gone@example.com>`` is ``gone@example.com``), nor a final full stop; and where the author
says so (``enhanced_optional``), a reply code's enhanced part may be left out (``550`` for
``550 5.1.1``, RFC 3463 §2: the enhanced code refines the basic one).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

from .model import Lesson, Quiz
from .tutor import Answered, Progress, current_goal, ready

COMMAND: Final = ":answer"
_ADDRESS: Final = re.compile(r"<([^<>\s]*@[^<>\s]*)>")
_CODE_PAIR: Final = re.compile(r"([2-5]\d\d) [245]\.\d{1,3}\.\d{1,3}")
MAX_ANSWER: Final = 200
"""Characters of an answer kept (a pasted bounce is not an answer)."""


def answer_text(line: str) -> str | None:
    """The TEXT of an ``:answer TEXT`` line (any case), None for any other line."""
    name, _, rest = line.strip().partition(" ")
    return rest.strip()[:MAX_ANSWER] if name.lower() == COMMAND else None


def normalize(text: str) -> str:
    """An answer as it is compared: lower case, spaces collapsed, no ``<>`` around an
    address, no final full stop."""
    words = " ".join(text.split()).casefold().rstrip(".。")
    match = _ADDRESS.fullmatch(words)
    return match[1] if match else words


def accepts(quiz: Quiz, given: str) -> bool:
    wanted = normalize(given)
    for right in map(normalize, quiz.answers):
        pair = _CODE_PAIR.fullmatch(right)
        if wanted == right or (quiz.enhanced_optional and pair and wanted == pair[1]):
            return True
    return False


def answer(lesson: Lesson, progress: Progress, given: str) -> Progress:
    """The progress after the learner answered ``given``: the current step met when it is a
    quiz step ready to answer and the answer is right; otherwise :attr:`Progress.answered`
    says why not (no question asked now, or a wrong answer)."""
    cleared = replace(progress, ticked=(), undone=(), counted=(), near=None)
    goal = current_goal(lesson, progress)
    if goal is None or goal.quiz is None or not ready(goal, progress.met):
        return replace(cleared, answered=Answered("", normalize(given), right=False))
    right = accepts(goal.quiz, given)
    verdict = Answered(goal.id, normalize(given), right=right)
    if not right:
        return replace(cleared, answered=verdict)
    return replace(cleared, met=(*progress.met, goal.id), ticked=(goal.id,), answered=verdict)


def reaction_to(lesson: Lesson, verdict: Answered, lang: str) -> str | None:
    """The author's words for a known wrong answer (``react`` of the quiz step)."""
    react = lesson.text(lang).steps[verdict.goal].react if verdict.goal else {}
    return next((words for wrong, words in react.items()
                 if normalize(wrong) == verdict.given), None)
