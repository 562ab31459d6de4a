"""Lessons: the explanations of every reply, loaded from ``lessons/*.toml`` (pure, no I/O
beyond reading the data files).

``annotate(exchange, lang)`` explains one reply of the engine; ``annotate_reply`` explains a
reply from another server; ``code_entry`` and ``compare`` feed ``smtp-sim explain``.
"""

from __future__ import annotations

from .annotate import PLACEHOLDERS, Annotation, annotate, annotate_reply, exchange_fields
from .compose import REQUIRED_COMPARISONS, Comparison, compare, compare_codes, compare_entries
from .entries import (
    REQUIRED_CODES,
    REQUIRED_PAIRS,
    ClassInfo,
    CodeEntry,
    EnhancedEntry,
    UnknownCodeError,
    code_entry,
    enhanced_entry,
    first_class,
    known_codes,
    labels,
    pair_entry,
    second_class,
    state_name,
)
from .load import LANGS, LessonDataError, Library, default_library

__all__ = [
    "LANGS", "PLACEHOLDERS", "REQUIRED_CODES", "REQUIRED_COMPARISONS", "REQUIRED_PAIRS",
    "Annotation",
    "ClassInfo", "CodeEntry", "Comparison", "EnhancedEntry", "LessonDataError", "Library",
    "UnknownCodeError", "annotate", "annotate_reply", "code_entry", "compare", "compare_codes",
    "compare_entries",
    "default_library", "enhanced_entry", "exchange_fields", "first_class", "known_codes",
    "labels", "pair_entry", "second_class", "state_name",
]
