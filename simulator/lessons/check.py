"""``smtp-sim lessons check``: the lesson authors' linter.

Every reply code, class digit, enhanced code, catalogue key and authored comparison must
have every section in every language, and every catalogue key its classroom title
(classroom_check.py); placeholders must be ones annotate() fills; nothing
unknown may hide in the files (a typo in a key would otherwise never be shown).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from simulator.lessons.course.lint import check_course
from simulator.lessons.scenario_view import KIND, TEXTS
from simulator.lessons.scenarios import builtin_names, check_file, resolve

from ..protocol.replies import CATALOGUE
from ..protocol.state import State
from .annotate import KEY_FIELDS, KEY_TITLE, PLACEHOLDERS
from .classroom_check import check_titles
from .compose import COMPARISON_FIELDS, COMPOSED_TEMPLATES, REQUIRED_COMPARISONS, part_key
from .entries import (
    CODE_FIELDS,
    CODE_RE,
    ENHANCED_FIELDS,
    FIRST_CLASS_FIELDS,
    LABELS,
    PAIR_RE,
    REQUIRED_CODES,
    REQUIRED_ENHANCED,
    REQUIRED_PAIRS,
    SECOND_CLASS_FIELDS,
)
from .load import KINDS, LANGS, LessonDataError, Library
from .rules import PROSE_FIELDS, is_rfc_reference, reads_as_chinese, reads_as_english
from .templates import placeholders
from .ui import ui_keys

if TYPE_CHECKING:
    from .course.replay import Replayer

CODES_TABLES: Final = ("codes", "classes", "enhanced", "pairs", "states", "labels", "after")
AFTER_FIELDS: Final = ("why", "fix")
"""``[after.VERB.CODE]``: a foreign server's reply explained by the command it answers."""


def catalogue_enhanced() -> tuple[str, ...]:
    """The enhanced codes the engine sends, as ``X.subject.detail``."""
    found = {"X." + spec.enhanced.split(".", 1)[1] for spec in CATALOGUE.values() if spec.enhanced}
    return tuple(sorted(found))


class Linter:
    """Collects problems, one readable line each: ``file: [table] what is wrong``."""

    def __init__(self, library: Library) -> None:
        self.lib = library
        self.problems: list[str] = []

    def report(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def fields(self, where: str, table: object, required: Iterable[str], lang: str,
               allowed: Iterable[str] = ()) -> Mapping[str, Any]:
        """Check one entry: required non-empty strings present, nothing unknown."""
        if not isinstance(table, Mapping):
            self.report(where, "missing")
            return {}
        required = tuple(required)
        for name in required:
            value = table.get(name)
            if not isinstance(value, str) or not value.strip():
                self.report(where, f"missing {name!r}")
            elif lang == "zh" and name in PROSE_FIELDS and not reads_as_chinese(value):
                self.report(where, f"{name!r} has no Chinese text")
            elif lang == "en" and name in PROSE_FIELDS and not reads_as_english(value):
                self.report(where, f"{name!r} is mostly Chinese in an English file")
            elif name == "title" and "\n" in value.strip():
                self.report(where, "the title must be one line")
        for name in table:
            if name not in required and name not in allowed:
                self.report(where, f"unknown field {name!r}")
        return table

    def names(self, where: str, present: Iterable[str], expected: Iterable[str],
              what: str) -> None:
        """Report expected names that are missing and present names that are unknown."""
        present_set, expected_set = set(present), set(expected)
        for name in sorted(expected_set - present_set):
            self.report(where, f"missing {what} {name}")
        for name in sorted(present_set - expected_set):
            self.report(where, f"unknown {what} {name}")


def check_library(library: Library, replay: Replayer | None = None) -> list[str]:
    """Every problem in the lesson data of ``library``; empty when it is complete. The
    course's solutions and wrong attempts are replayed with ``replay`` when one is given
    (``lessons check`` hands in the learner's road; see course/replay.py)."""
    lint = Linter(library)
    usable: list[tuple[str, str]] = []
    for lang in LANGS:
        for kind in KINDS:
            name = library.file_name(kind, lang)
            if not library.exists(kind, lang):
                lint.report(name, "file missing")
                continue
            try:
                library.document(kind, lang)
            except LessonDataError as err:
                lint.report(name, f"not valid TOML ({err})")
                continue
            usable.append((kind, lang))
    for kind, lang in usable:
        {"codes": _check_codes, "keys": _check_keys, "compare": _check_compare,
         "ui": _check_ui}[kind](lint, lang)
    _check_same_rfc(lint, usable)
    lint.problems += check_titles(library)
    _check_scenarios(lint)
    course = library.root / "course"
    if course.is_dir():  # the course: lessons/course/NN-ID.toml (see course/lint.py)

        lint.problems += check_course(Path(str(course)), replay)
    return lint.problems


def _check_scenarios(lint: Linter) -> None:
    """Every shipped scenario file loads, and the scenario sentences exist in every language."""
    for name in builtin_names():
        for problem in check_file(str(resolve(name))):
            lint.problems.append(problem)
    for lang in LANGS:
        where = lint.lib.file_name(KIND, lang)
        try:
            texts = lint.lib.table(KIND, lang, "texts")
        except LessonDataError as err:
            lint.report(where, f"not valid TOML ({err})")
            continue
        lint.names(f"{where}: [texts]", texts, TEXTS, "text")


def _check_codes(lint: Linter, lang: str) -> None:
    name = lint.lib.file_name("codes", lang)
    doc = lint.lib.document("codes", lang)
    lint.names(name, doc, CODES_TABLES, "table")
    codes = lint.lib.table("codes", lang, "codes")
    expected_codes = {str(code) for code in REQUIRED_CODES}
    for code in sorted(set(codes) | expected_codes):
        if not CODE_RE.fullmatch(code):
            lint.report(name, f"[codes.{code}] is not a reply code (three digits, 1-5, 0-5, 0-9)")
            continue
        lint.fields(f"{name}: [codes.{code}]", codes.get(code), CODE_FIELDS, lang)
    classes = lint.lib.table("codes", lang, "classes")
    lint.names(name, classes, ("first", "second"), "table classes.")
    for position, digits, fields in (("first", range(1, 6), FIRST_CLASS_FIELDS),
                                     ("second", range(6), SECOND_CLASS_FIELDS)):
        table = classes.get(position, {})
        table = table if isinstance(table, Mapping) else {}
        lint.names(name, table, (str(d) for d in digits), f"classes.{position}.")
        for digit in digits:
            where = f"{name}: [classes.{position}.{digit}]"
            lint.fields(where, table.get(str(digit)), fields, lang)
    enhanced = lint.lib.table("codes", lang, "enhanced")
    for code in sorted(set(enhanced) | set(REQUIRED_ENHANCED) | set(catalogue_enhanced())):
        if not re.fullmatch(r"X\.[0-9]{1,3}\.[0-9]{1,3}", code):
            lint.report(name, f'[enhanced."{code}"] must be written X.subject.detail')
            continue
        lint.fields(f'{name}: [enhanced."{code}"]', enhanced.get(code), ENHANCED_FIELDS, lang)
    _check_pairs(lint, lang, set(codes))
    states = tuple(state.value for state in State)
    lint.fields(f"{name}: [states]", doc.get("states"), states, lang)
    lint.fields(f"{name}: [labels]", doc.get("labels"), LABELS, "")
    _check_after(lint, lang)


def _check_after(lint: Linter, lang: str) -> None:
    """Every ``[after.VERB.CODE]`` names a reply code, has why and fix, and exists in the
    first language too (so no language explains a pair the others do not)."""
    name = lint.lib.file_name("codes", lang)
    after = lint.lib.table("codes", lang, "after")
    first = lint.lib.table("codes", LANGS[0], "after")
    pairs = {(verb, code) for table in (after, first) for verb, codes in table.items()
             if isinstance(codes, Mapping) for code in codes}
    for verb, code in sorted(pairs):
        where = f"{name}: [after.{verb}.{code}]"
        if not CODE_RE.fullmatch(code):
            lint.report(where, "is not a reply code")
        lint.fields(where, after.get(verb, {}).get(code), AFTER_FIELDS, lang)


def _check_pairs(lint: Linter, lang: str, codes: set[str]) -> None:
    """``[pairs.NAME]``: NAME is a known code, a space and an enhanced code of the same class
    (550 with 5.1.1), and the table has every field of a code."""
    name = lint.lib.file_name("codes", lang)
    pairs = lint.lib.table("codes", lang, "pairs")
    for pair in sorted(set(pairs) | set(REQUIRED_PAIRS), key=_pair_order):
        where = f'{name}: [pairs."{pair}"]'
        match = PAIR_RE.fullmatch(pair)
        if match is None or match.group(1)[0] != match.group(2):
            lint.report(where, "name must be a reply code, a space and an enhanced code of "
                               "the same class, like 550 5.1.1")
        elif match.group(1) not in codes:
            lint.report(where, f"code {match.group(1)} has no [codes.{match.group(1)}] entry")
        else:
            lint.fields(where, pairs.get(pair), CODE_FIELDS, lang)


def _pair_order(pair: str) -> tuple[int, ...]:
    try:
        return part_key(pair)
    except ValueError:
        return ()


def _check_keys(lint: Linter, lang: str) -> None:
    name = lint.lib.file_name("keys", lang)
    doc = lint.lib.document("keys", lang)
    lint.names(name, doc, CATALOGUE, "catalogue key")
    for key in sorted(set(doc) & set(CATALOGUE)):
        where = f'{name}: ["{key}"]'
        entry = lint.fields(where, doc[key], KEY_FIELDS, lang, allowed=(KEY_TITLE,))
        _check_key_title(lint, where, key, entry, lang)
        for field in ("why", "fix"):
            _check_placeholders(lint, where, field, entry.get(field), PLACEHOLDERS)
        rfc = entry.get("rfc")
        if isinstance(rfc, str) and rfc.strip() and not is_rfc_reference(rfc):
            lint.report(where, f"rfc {rfc!r} should read like 'RFC 5321 §4.2.4'")


def _check_key_title(lint: Linter, where: str, key: str, entry: Mapping[str, Any],
                     lang: str) -> None:
    """A key's own title is one line, and given in every language or in none."""
    title = entry.get(KEY_TITLE)
    if title is not None and (not isinstance(title, str) or not title.strip()
                              or "\n" in title.strip()):
        lint.report(where, "title must be one line of text")
    for other in LANGS:
        if other == lang or not lint.lib.exists("keys", other):
            continue
        try:
            twin = lint.lib.document("keys", other).get(key)
        except LessonDataError:
            return  # reported where that file is read
        if isinstance(twin, Mapping) and (KEY_TITLE in twin) != (title is not None):
            lint.report(where, f"title given in one language only (see keys.{other})")


def _check_placeholders(lint: Linter, where: str, field: str, text: object,
                        allowed: Iterable[str]) -> None:
    if not isinstance(text, str):
        return
    try:
        used = placeholders(text)
    except ValueError as err:
        lint.report(where, f"{field}: {err} (write literal braces as {{{{ and }}}})")
        return
    for placeholder in sorted(set(used) - set(allowed)):
        allowed_text = " ".join(f"{{{p}}}" for p in allowed)
        lint.report(where, f"{field}: unknown placeholder {{{placeholder}}} (allowed: "
                           f"{allowed_text})")


def _check_compare(lint: Linter, lang: str) -> None:
    name = lint.lib.file_name("compare", lang)
    doc = lint.lib.document("compare", lang)
    known = {*lint.lib.table("codes", lang, "codes"), *lint.lib.table("codes", lang, "pairs")}
    for comparison in sorted(set(doc) | set(REQUIRED_COMPARISONS)):
        if comparison == "composed":
            continue
        parts = comparison.split("-")
        where = f'{name}: ["{comparison}"]'
        if (len(parts) < 2 or not all(p in known for p in parts)
                or parts != sorted(set(parts), key=part_key)):
            lint.report(where, "name must be two or more known codes (or code + enhanced "
                               "pairs such as 550 5.1.1), ascending, joined by '-'")
            continue
        lint.fields(where, doc.get(comparison), COMPARISON_FIELDS, lang)
    composed = doc.get("composed")
    where = f"{name}: [composed]"
    lint.fields(where, composed, COMPOSED_TEMPLATES, "")
    for template, allowed in COMPOSED_TEMPLATES.items():
        text = composed.get(template) if isinstance(composed, Mapping) else None
        _check_placeholders(lint, where, template, text, allowed)


def _check_ui(lint: Linter, lang: str) -> None:
    """Every UI text is a string in every language, with the same placeholders as in the
    first language (a field missing in one translation would be shown as ``{name}``)."""
    name = lint.lib.file_name("ui", lang)
    mine = dict(ui_keys(lint.lib.document("ui", lang)))
    reference = dict(ui_keys(lint.lib.document("ui", LANGS[0])))
    lint.names(name, mine, reference, "UI key")
    for key, value in sorted(mine.items()):
        where = f"{name}: [{key}]"
        if not isinstance(value, str) or not (value.strip() or key.startswith("words.")):
            lint.report(where, "must be a non-empty string")
            continue
        try:
            used = set(placeholders(value))
        except ValueError as err:
            lint.report(where, f"{err} (write literal braces as {{{{ and }}}})")
            continue
        expected = reference.get(key)
        if isinstance(expected, str) and key in reference:
            try:
                wanted = set(placeholders(expected))
            except ValueError:
                continue
            if used != wanted:
                shown = " ".join(f"{{{p}}}" for p in sorted(wanted)) or "none"
                lint.report(where, f"placeholders differ from {LANGS[0]} (expected: {shown})")


def _check_same_rfc(lint: Linter, usable: list[tuple[str, str]]) -> None:
    """RFC references are not translated: both languages must cite the same section."""
    for kind, table in (("codes", "codes"), ("codes", "pairs"), ("keys", None)):
        if (kind, "en") not in usable or (kind, "zh") not in usable:
            continue
        en, zh = (lint.lib.document(kind, lang) if table is None
                  else lint.lib.table(kind, lang, table) for lang in ("en", "zh"))
        for name in sorted(set(en) & set(zh)):
            left, right = en[name], zh[name]
            if (isinstance(left, Mapping) and isinstance(right, Mapping)
                    and left.get("rfc") != right.get("rfc")):
                lint.report(f"{kind}.zh.toml: {name}", "rfc differs from the English entry")
