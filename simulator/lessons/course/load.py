"""Read a course folder: ``NN-ID.toml`` files, one lesson each, every language inside.

A lesson file that breaks a rule is refused whole, and each problem names the file and the
field (``03-order.toml: steps[2].check.code: expected an integer``), so a teacher can fix
their own course from the messages alone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from simulator.files import FileRefused, parse_toml, read_text
from simulator.lessons.load import data_root
from simulator.protocol import State

from ..load import LANGS
from ..refusals import say
from .addresses import CLASSES
from .checks import refers_to
from .model import (
    AddressRef,
    Attempt,
    Check,
    Course,
    Goal,
    Lesson,
    LessonText,
    MessageCheck,
    Quiz,
    Scope,
    StepText,
)
from .problems import Problems
from .sequences import SEQUENCES_FILE, in_course_order, load_sequences, whole_course
from .setup import parse_setup

FILE_NAME: Final = re.compile(r"(?P<number>\d{2})-(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\.toml")
LESSON_FIELDS: Final = frozenset({"id", "setup", "steps", "solution", "solutions", "wrong",
                                  *LANGS})
STEP_FIELDS: Final = frozenset({"id", "check", "after", "count", "scope", "kind", "answers",
                                "enhanced_optional", "despite", *LANGS})
KINDS: Final = ("reply", "quiz")
"""A step met by the server's reply (the default), or by the learner's ``:answer``."""
TEXT_FIELDS: Final = ("title", "intro", "summary")
MIN_HINTS: Final = 3
MAX_LESSON_FILE: Final = 256 * 1024

_CHECK_STR: Final = ("enhanced", "verb", "parameter", "without", "same", "host")
_CHECK_INT: Final = ("code", "min_lines")
_MESSAGE_STR: Final = ("header", "body_line_starts", "body_contains", "sender_domain",
                       "body_type", "header_text")
HEADER_TEXTS: Final = ("8bit-undeclared", "encoded-word")
"""The values of a message check's ``header_text`` (see MessageCheck)."""
_MESSAGE_ADDRESS: Final = ("recipient", "not_recipient")
_MESSAGE_BOOL: Final = ("body", "utf8", "smtputf8", "declared_8bit", "tls", "starttls",
                        "implicit_tls", "authenticated", "best_mx", "bcc", "named_not_sent",
                        "returnable")
_MESSAGE_VERDICTS: Final = {
    "spf": ("pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"),
    "dkim": ("pass", "fail", "permerror", "none"),
    "dmarc": ("pass", "fail", "none", "permerror"),
}
"""The Authentication-Results verdicts a message check may ask for (RFC 8601 §2.7)."""
_STATES: Final = {state.value: state for state in State}


def _string(p: Problems, where: str, value: object, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        p.add(where, "expected a non-empty string")
        return None
    return value


def _integer(p: Problems, where: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        p.add(where, "expected a whole number, 0 or more")
        return None
    return value


def _lines(p: Problems, where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        p.add(where, "expected a non-empty list of command lines")
        return ()
    return tuple(value)


def _address(p: Problems, where: str, value: object) -> AddressRef | None:
    """``"a@b.example"``, ``{ class = "foreign" }`` or ``{ step = "known" }``."""
    if value is None:
        return None
    if isinstance(value, str) and "@" in value:
        return AddressRef(literal=value)
    if isinstance(value, Mapping) and len(value) == 1:
        kind, step = value.get("class"), value.get("step")
        if isinstance(kind, str) and kind in CLASSES:
            return AddressRef(kind=kind)
        if isinstance(step, str) and step:
            return AddressRef(step=step)
    p.add(where, "expected an address, { class = NAME } (one of " + ", ".join(CLASSES)
          + ") or { step = ID } (the address an earlier step's command named)")
    return None


def _message_check(p: Problems, where: str, table: object) -> MessageCheck | None:
    if not isinstance(table, Mapping):
        p.add(where, "expected a table")
        return None
    p.unknown(where, table, frozenset({*_MESSAGE_STR, *_MESSAGE_ADDRESS, *_MESSAGE_BOOL,
                                       *_MESSAGE_VERDICTS, "recipients", "bare_lf"}))
    fields: dict[str, Any] = {}
    for name in _MESSAGE_STR:
        fields[name] = _string(p, f"{where}.{name}", table.get(name), required=False)
    for name in _MESSAGE_ADDRESS:
        fields[name] = _address(p, f"{where}.{name}", table.get(name))
    for name in _MESSAGE_BOOL:
        value = table.get(name, False)
        if not isinstance(value, bool):
            p.add(f"{where}.{name}", "expected true or false")
        fields[name] = bool(value)
    for name, words in _MESSAGE_VERDICTS.items():
        verdict = table.get(name)
        if verdict is not None and verdict not in words:
            p.add(f"{where}.{name}", f"expected one of {', '.join(words)}")
        fields[name] = verdict if verdict in words else None
    fields["recipients"] = _integer(p, f"{where}.recipients", table.get("recipients"))
    if fields["header_text"] not in (None, *HEADER_TEXTS):
        p.add(f"{where}.header_text", f"expected one of {', '.join(HEADER_TEXTS)}")
        fields["header_text"] = None
    bare_lf = table.get("bare_lf")
    if bare_lf is not None and not isinstance(bare_lf, bool):
        p.add(f"{where}.bare_lf", "expected true or false")
    fields["bare_lf"] = bare_lf if isinstance(bare_lf, bool) else None
    return MessageCheck(**fields)


def _check(p: Problems, where: str, table: object) -> Check:
    if not isinstance(table, Mapping) or not table:
        p.add(where, "expected a table with at least one condition")
        return Check()
    known = {*_CHECK_STR, *_CHECK_INT, "key", "state_before", "state_after", "closes", "message",
             "address", "pipelined", "in_group"}
    p.unknown(where, table, frozenset(known))
    key = table.get("key")
    keys = (key,) if isinstance(key, str) else tuple(key) if isinstance(key, list) else ()
    if key is not None and (not keys or not all(isinstance(k, str) for k in keys)):
        p.add(f"{where}.key", "expected a reply key or a list of them")
    fields: dict[str, Any] = {"keys": keys}
    for name in _CHECK_STR:
        fields[name] = _string(p, f"{where}.{name}", table.get(name), required=False)
    for name in _CHECK_INT:
        fields[name] = _integer(p, f"{where}.{name}", table.get(name))
    for name in ("state_before", "state_after"):
        value = table.get(name)
        if value is not None and value not in _STATES:
            p.add(f"{where}.{name}", f"expected one of {', '.join(_STATES)}")
        fields[name] = _STATES.get(value) if isinstance(value, str) else None
    for name in ("closes", "pipelined", "in_group"):
        flag = table.get(name)
        if flag is not None and not isinstance(flag, bool):
            p.add(f"{where}.{name}", "expected true or false")
        fields[name] = flag if isinstance(flag, bool) else None
    fields["address"] = _address(p, f"{where}.address", table.get("address"))
    if "message" in table:
        fields["message"] = _message_check(p, f"{where}.message", table["message"])
    return Check(**fields)


def _step_text(p: Problems, where: str, table: object, *, quiz: bool) -> StepText | None:
    if not isinstance(table, Mapping):
        p.add(where, "missing (every step needs its goal and hints in every language)")
        return None
    p.unknown(where, table, frozenset({"goal", "hints", "react", *(("question",) if quiz else ())}))
    goal = _string(p, f"{where}.goal", table.get("goal"))
    question = _string(p, f"{where}.question", table.get("question")) if quiz else ""
    react = table.get("react", {})
    if not isinstance(react, Mapping) or not all(
            isinstance(v, str) and v.strip() for v in react.values()):
        p.add(f"{where}.react", "expected a table of reply key = hint text")
        react = {}
    hints = table.get("hints")
    if (not isinstance(hints, list) or len(hints) < MIN_HINTS
            or not all(isinstance(h, str) and h.strip() for h in hints)):
        p.add(f"{where}.hints", f"expected at least {MIN_HINTS} hints (a nudge, a stronger "
                                "pointer, then the exact line)")
        return None
    if goal is None or question is None:
        return None
    return StepText(goal, tuple(hints), dict(react), question)


def _goal(p: Problems, index: int, table: object) -> tuple[Goal, dict[str, StepText]] | None:
    where = f"steps[{index}]"
    if not isinstance(table, Mapping):
        p.add(where, "expected a table")
        return None
    p.unknown(where, table, STEP_FIELDS)
    goal_id = _string(p, f"{where}.id", table.get("id"))
    quiz = _quiz(p, where, table)
    check = Check() if quiz else _check(p, f"{where}.check", table.get("check"))
    after = table.get("after", [])
    if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
        p.add(f"{where}.after", "expected a list of step ids")
        after = []
    count = _integer(p, f"{where}.count", table.get("count", 1)) or 1
    scope_name = table.get("scope", Scope.LESSON.value)
    scopes = {scope.value: scope for scope in Scope}
    if scope_name not in scopes:
        p.add(f"{where}.scope", f"expected one of {', '.join(scopes)}")
    texts = {lang: _step_text(p, f"{where}.{lang}", table.get(lang), quiz=quiz is not None)
             for lang in LANGS}
    if goal_id is None:
        return None
    despite = _check(p, f"{where}.despite", table["despite"]) if "despite" in table else None
    goal = Goal(goal_id, check, tuple(after), count, scopes.get(scope_name, Scope.LESSON),
                quiz=quiz, despite=despite)
    return goal, {lang: text for lang, text in texts.items() if text is not None}


def _quiz(p: Problems, where: str, table: Mapping[str, Any]) -> Quiz | None:
    """``kind = "quiz"``: its accepted ``answers`` (and no check); None for a reply step."""
    kind = table.get("kind", KINDS[0])
    if kind not in KINDS:
        p.add(f"{where}.kind", f"expected one of {', '.join(KINDS)}")
    if kind != "quiz":
        for name in ("answers", "enhanced_optional"):
            if name in table:
                p.add(f"{where}.{name}", 'only a quiz step (kind = "quiz") has it')
        return None
    if "check" in table:
        p.add(f"{where}.check", "a quiz step is met by the learner's :answer, not a check")
    answers = table.get("answers")
    if (not isinstance(answers, list) or not answers
            or not all(isinstance(a, str) and a.strip() for a in answers)):
        p.add(f"{where}.answers", "expected a non-empty list of accepted answers")
        answers = []
    optional = table.get("enhanced_optional", False)
    if not isinstance(optional, bool):
        p.add(f"{where}.enhanced_optional", "expected true or false")
    return Quiz(tuple(answers), optional is True)


def _goals(p: Problems, steps: object) -> tuple[tuple[Goal, ...], dict[str, dict[str, StepText]]]:
    if not isinstance(steps, list) or not steps:
        p.add("steps", "expected at least one [[steps]] table")
        return (), {}
    goals: list[Goal] = []
    texts: dict[str, dict[str, StepText]] = {lang: {} for lang in LANGS}
    for index, table in enumerate(steps):
        parsed = _goal(p, index, table)
        if parsed is None:
            continue
        goal, step_texts = parsed
        if any(other.id == goal.id for other in goals):
            p.add(f"steps[{index}].id", f"duplicate step id {goal.id!r}")
        for other in goal.after:
            if not any(earlier.id == other for earlier in goals):
                p.add(f"steps[{index}].after", f"{other!r} is not an earlier step of this lesson")
        for other in refers_to(goal.check):
            if not any(earlier.id == other for earlier in goals):
                p.add(f"steps[{index}].check", f"refers to {other!r}, which is not an earlier "
                                                "step of this lesson")
        goals.append(goal)
        for lang, text in step_texts.items():
            texts[lang][goal.id] = text
    return tuple(goals), texts


def _texts(p: Problems, doc: Mapping[str, Any],
           steps: dict[str, dict[str, StepText]]) -> dict[str, LessonText]:
    out: dict[str, LessonText] = {}
    for lang in LANGS:
        table = doc.get(lang)
        if not isinstance(table, Mapping):
            p.add(lang, "missing: the lesson's title, intro and summary in this language")
            continue
        p.unknown(lang, table, frozenset(TEXT_FIELDS))
        values = [_string(p, f"{lang}.{name}", table.get(name)) for name in TEXT_FIELDS]
        if all(values):
            title, intro, summary = (str(value) for value in values)
            out[lang] = LessonText(title, intro, summary, steps[lang])
    return out


def _attempts(p: Problems, where: str, value: object, *, required: bool
              ) -> tuple[Attempt, ...]:
    if not isinstance(value, list) or (required and not value):
        p.add(where, "expected a list of attempts, each a list of command lines"
              + (" (at least one)" if required else ""))
        return ()
    return tuple(Attempt(_lines(p, f"{where}[{i}]", lines)) for i, lines in enumerate(value))


def parse_lesson(name: str, text: str) -> tuple[Lesson | None, list[str]]:
    """One lesson file's text -> the Lesson (None when refused) and its problems."""
    p = Problems(name)
    match = FILE_NAME.fullmatch(name)
    if match is None:
        p.add("", "the file name must be NN-ID.toml (two digits, a dash, a lower-case id)")
        return None, p.found
    try:
        doc = parse_toml(text, name)
    except tomllib.TOMLDecodeError as err:
        p.add("", f"not valid TOML ({err})")
        return None, p.found
    except FileRefused as refused:  # nested past what a lesson may be
        return None, [say(refused, LANGS[0])]
    p.unknown("", doc, LESSON_FIELDS)
    if doc.get("id") != match["id"]:
        p.add("id", f"must be {match['id']!r}, as in the file name")
    setup, needs = parse_setup(p, doc.get("setup", {}))
    goals, step_texts = _goals(p, doc.get("steps"))
    solution = _lines(p, "solution", doc.get("solution"))
    more = _attempts(p, "solutions", doc.get("solutions", []), required=False)
    wrong = _attempts(p, "wrong", doc.get("wrong"), required=True)
    texts = _texts(p, doc, step_texts)
    if p.found:
        return None, p.found
    lesson = Lesson(int(match["number"]), match["id"], name, setup, goals, Attempt(solution),
                    wrong, texts, needs, more)
    return lesson, []


def load_course(root: Path) -> Course:
    """Every lesson file of ``root``, in course order (``sequences.toml``'s, else by number);
    refused files become problems."""
    problems: list[str] = []
    lessons: list[Lesson] = []
    try:
        paths = sorted(path for path in root.iterdir()
                       if path.suffix == ".toml" and path.name != SEQUENCES_FILE)
    except OSError as err:
        return Course(str(root), (), (f"{root}: cannot read the course folder ({err.strerror})",))
    for path in paths:
        try:
            text = read_text(path, MAX_LESSON_FILE)
        except OSError as err:
            problems.append(f"{path.name}: cannot be read ({err.strerror or err})")
            continue
        except FileRefused as refused:  # a FIFO, /dev/zero, a folder, too large, not UTF-8
            problems.append(say(refused, LANGS[0], path=path.name))
            continue
        lesson, found = parse_lesson(path.name, text)
        problems += found
        if lesson is not None:
            lessons.append(lesson)
    _check_unique(lessons, problems)
    if not lessons and not problems:
        problems.append(f"{root}: no lesson files (NN-ID.toml)")
    sequences, found = load_sequences(root)
    problems += found
    if not sequences:
        sequences = (whole_course(),)
    return Course(str(root), in_course_order(lessons, sequences), tuple(problems), sequences)


def _check_unique(lessons: list[Lesson], problems: list[str]) -> None:
    ids: dict[str, str] = {}
    numbers: dict[int, str] = {}
    for lesson in lessons:
        if lesson.id in ids:
            problems.append(f"{lesson.path}: id: {lesson.id!r} is also used by {ids[lesson.id]}")
        if lesson.number in numbers:
            problems.append(f"{lesson.path}: number {lesson.number:02d} is also used by "
                            f"{numbers[lesson.number]}")
        ids.setdefault(lesson.id, lesson.path)
        numbers.setdefault(lesson.number, lesson.path)


def default_course_root() -> Path:
    """The shipped course: ``lessons/course`` (or the installed copy)."""
    return Path(str(data_root() / "course"))
