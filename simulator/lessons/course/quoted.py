"""What a lesson's texts quote must be what its server does and its checks demand.

A reply code with an enhanced code in any text (``550 5.6.7``), or a code in a step's goal,
must be one the step's check names or one the lesson's own runs (its solutions and wrong
attempts) got from the server: a goal promising 553 where the server rightly answers 550 is
caught before a learner meets it. And a check names a literal address only where the goal
text demands that address; everywhere else it names a class or an earlier step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from simulator.protocol import CATALOGUE

from .model import AddressRef, Check, Goal, Lesson

Reply = tuple[int, "str | None"]

_PAIR: Final = re.compile(r"(?<![\d.§])([2-5]\d\d) ([245]\.\d{1,3}\.\d{1,3})(?![\d.]\d)")
_CODE: Final = re.compile(r"(?<![\d.§A-Za-z])([2-5]\d\d)(?![\d.]\d|\d)")
_PORTS: Final = re.compile(
    r"(?i)\bports?\s+\d+(?:(?:,\s*|\s+(?:and|or)\s+)\d+)*"  # port 587, ports 25, 587 and 465
    r"|[A-Za-z0-9]:\d+\b"                                     # smtp.example.org:587
    r"|\d+(?:\s*[\u3001\u548c\u6216]\s*\d+)*\s*\u7aef\u53e3|\u7aef\u53e3\s*\d+")
"""Port numbers, which are no reply codes (25, 587, 465 look like codes to :data:`_CODE`); the
last line is the Chinese "587 port", escaped (the code holds no sentence of a language)."""


def named_by(check: Check) -> set[Reply]:
    """The (code, enhanced code) pairs a check names itself, from its keys and fields."""
    pairs: set[Reply] = {(CATALOGUE[key].code, CATALOGUE[key].enhanced)
                         for key in check.keys if key in CATALOGUE}
    if check.code is not None:
        pairs.add((check.code, check.enhanced))
    return pairs


def named_by_goal(goal: Goal) -> set[Reply]:
    """What a step names: its check's replies, or the codes a quiz step's answers hold (the
    bounce the learner reads quotes them; the server never answered them to a command)."""
    if goal.quiz is None:
        return named_by(goal.check)
    pairs = [_PAIR.search(right) for right in goal.quiz.answers]
    found: set[Reply] = {(int(pair[1]), pair[2]) for pair in pairs if pair}
    return found | {(code, None) for code, _ in found}


def quoted_codes(lesson: Lesson, produced: Iterable[Reply]) -> list[str]:
    """Codes the texts quote that neither the step's check nor the lesson's runs produce."""
    produced = set(produced).union(*(named_by_goal(goal) for goal in lesson.goals
                                     if goal.quiz is not None))  # the bounce's codes
    lesson_wide = produced.union(*(named_by_goal(goal) for goal in lesson.goals))
    out = []
    for lang, text in lesson.texts.items():
        fields = [(f"{lang}.summary", text.summary, lesson_wide),
                  (f"{lang}.intro", text.intro, lesson_wide)]
        for index, goal in enumerate(lesson.goals):
            step = text.steps[goal.id]
            allowed = produced | named_by_goal(goal)
            fields.append((f"steps[{index}].{lang}.goal", step.goal, allowed))
            fields += [(f"steps[{index}].{lang}.hints[{i}]", hint, allowed)
                       for i, hint in enumerate(step.hints)]
        for where, value, allowed in fields:
            out += [f"{lesson.path}: {where}: quotes {problem}, which this lesson's server "
                    "never answers here (see its check and its solutions' replies)"
                    for problem in _wrong_quotes(value, allowed, goal_text=".goal" in where)]
    return out


def _wrong_quotes(value: str, allowed: set[Reply], *, goal_text: bool) -> list[str]:
    problems = [f"{code} {enhanced}" for code, enhanced in _PAIR.findall(value)
                if (int(code), enhanced) not in allowed]
    if goal_text:
        codes = {code for code, _ in allowed}
        lone = _PORTS.sub("", _PAIR.sub("", value))  # a pair is judged whole above
        problems += [code for code in _CODE.findall(lone) if int(code) not in codes]
    return problems


def literal_addresses(lesson: Lesson) -> list[str]:
    """Literal addresses in checks that the step's goal text does not name (every language)."""
    out = []
    for index, goal in enumerate(lesson.goals):
        refs = [goal.check.address]
        if goal.check.message is not None:
            refs += [goal.check.message.recipient, goal.check.message.not_recipient]
        for ref in refs:
            if not isinstance(ref, AddressRef) or ref.literal is None:
                continue
            for lang, text in lesson.texts.items():
                if ref.literal.lower() not in text.steps[goal.id].goal.lower():
                    out.append(f"{lesson.path}: steps[{index}].check: names the address "
                               f"{ref.literal} that the {lang} goal does not demand; name a "
                               "class ({ class = \"foreign\" }) or an earlier step "
                               "({ step = \"ID\" }) instead")
    return out
