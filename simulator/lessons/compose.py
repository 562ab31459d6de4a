"""Comparisons of reply codes: the authored ones, or one composed from the code entries.

Authored comparisons live in ``compare.LANG.toml`` under a name made of the codes in
ascending order, joined by hyphens (221-500, 250-251-252). For any other set of codes the text
is composed from the entries, class difference first, with sentence templates from the
``[composed]`` table so both languages read naturally.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .entries import CodeEntry, code_entry
from .load import Library, default_library
from .templates import fill

COMPARISON_FIELDS: Final = ("difference", "which")
COMPOSED_TEMPLATES: Final[Mapping[str, tuple[str, ...]]] = {
    "class_line": ("code", "first", "first_title", "second", "second_title"),
    "same_first": ("first", "first_title"),
    "same_both": ("first", "second"),
    "summary_line": ("code", "title", "description"),
    "which_line": ("code", "title", "when"),
}
"""Template name -> the placeholders it may use."""

_REQUIRED_CODE_SETS: Final = (
    (221, 500), (500, 501), (500, 502), (501, 503), (221, 421), (450, 550), (451, 554),
    (452, 552), (250, 251, 252), (250, 354), (550, 553), (530, 535), (534, 535), (454, 530),
    (421, 450, 451),
)
_REQUIRED_PAIR_SETS: Final = (
    ((452, "4.2.2"), (452, "4.5.3")), ((552, "5.2.2"), (552, "5.3.4")),
    ((550, "5.1.1"), (554, "5.7.1")),
)
"""Comparisons of code + enhanced pairs: the same code can mean two different lessons."""


def part_key(part: str) -> tuple[int, ...]:
    """Sort key of one part of a comparison name: 452 -> (452,); 452 4.2.2 -> (452, 4, 2, 2)."""
    code, _, enhanced = part.partition(" ")
    return (int(code), *(int(n) for n in enhanced.split(".") if enhanced))


def comparison_name(codes: Iterable[int | str]) -> str:
    """``221-500``, ``452 4.2.2-452 4.5.3``: the codes (or code + enhanced pairs), ascending,
    without repeats."""
    return "-".join(sorted({str(code) for code in codes}, key=part_key))


REQUIRED_COMPARISONS: Final = (
    *(comparison_name(codes) for codes in _REQUIRED_CODE_SETS),
    *(comparison_name(f"{code} {enhanced}" for code, enhanced in pairs)
      for pairs in _REQUIRED_PAIR_SETS),
)
"""The names of the comparisons written by hand (issues 4, 10 and 11)."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """How two (or more) codes differ, and when each one is the right reply."""

    codes: tuple[int, ...]
    lang: str
    difference: str
    which: str
    authored: bool
    parts: tuple[str, ...] = ()
    """What was compared: ``452 4.2.2``, ``452 4.5.3``; empty when only plain codes."""

    @property
    def name(self) -> str:
        return comparison_name(self.parts or self.codes)


def compare(a: int, b: int, lang: str = "en", *, library: Library | None = None) -> Comparison:
    """Compare two codes. Raises UnknownCodeError when a code has no entry."""
    return compare_codes((a, b), lang, library=library)


def compare_codes(codes: Sequence[int], lang: str = "en", *,
                  library: Library | None = None) -> Comparison:
    """Compare two or more codes: the authored text that covers them, else a composed one."""
    unique = tuple(sorted(set(codes)))
    if len(unique) < 2:
        raise ValueError("a comparison needs two different codes")
    lib = library if library is not None else default_library()
    authored = _authored(tuple(str(code) for code in unique), lang, lib)
    if authored is not None:
        return authored
    entries = [code_entry(code, lang, library=lib) for code in unique]
    return compose(entries, lang, library=lib)


def compare_entries(entries: Sequence[CodeEntry], lang: str = "en", *,
                    library: Library | None = None) -> Comparison:
    """Compare entries that may be code + enhanced pairs (``550 5.1.1`` vs ``554 5.7.1``):
    the authored text that covers them, else one composed from the entries."""
    unique = {entry.label: entry for entry in entries}
    if len(unique) < 2:
        raise ValueError("a comparison needs two different codes")
    lib = library if library is not None else default_library()
    authored = _authored(tuple(unique), lang, lib)
    if authored is not None:
        return authored
    ordered = [unique[label] for label in sorted(unique, key=part_key)]
    return compose(ordered, lang, library=lib)


def _authored(parts: tuple[str, ...], lang: str, lib: Library) -> Comparison | None:
    """The authored comparison named by ``parts``, or the smallest one that includes them all."""
    best: tuple[str, ...] | None = None
    best_table: Mapping[str, Any] = {}
    for name, table in lib.document("compare", lang).items():
        if name == "composed" or not isinstance(table, Mapping):
            continue
        covered = tuple(name.split("-"))
        try:
            sorted(covered, key=part_key)
        except ValueError:
            continue
        if set(parts) <= set(covered) and (best is None or len(covered) < len(best)):
            best, best_table = covered, table
    if best is None:
        return None
    difference = str(best_table.get("difference", "")).strip()
    which = str(best_table.get("which", "")).strip()
    codes = tuple(int(part.split(" ")[0]) for part in best)
    pairs = best if any(" " in part for part in best) else ()
    return Comparison(codes, lang, difference, which, authored=True, parts=pairs)


def compose(entries: Sequence[CodeEntry], lang: str, *,
            library: Library | None = None) -> Comparison:
    """A comparison built from the code entries: classes first, then summaries, then uses."""
    lib = library if library is not None else default_library()
    templates = lib.table("compare", lang, "composed")

    def line(name: str, **fields: str) -> str:
        return fill(str(templates.get(name, "")), fields).strip()

    parts = [line("class_line", code=e.label, first=e.first.name,
                  first_title=e.first.title, second=e.second.name,
                  second_title=e.second.title) for e in entries]
    firsts = {e.first.digit for e in entries}
    seconds = {e.second.digit for e in entries}
    head = entries[0]
    if len(firsts) == 1 and len(seconds) == 1:
        parts.append(line("same_both", first=head.first.name, second=head.second.name))
    elif len(firsts) == 1:
        parts.append(line("same_first", first=head.first.name, first_title=head.first.title))
    summaries = [line("summary_line", code=e.label, title=e.title,
                      description=e.description) for e in entries]
    uses = [line("which_line", code=e.label, title=e.title, when=e.when) for e in entries]
    difference = "\n".join(p for p in (*parts, *summaries) if p)
    compared = tuple(e.label for e in entries) if any(e.enhanced for e in entries) else ()
    return Comparison(tuple(e.code for e in entries), lang, difference, "\n".join(uses),
                      authored=False, parts=compared)
