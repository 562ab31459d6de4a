"""The rules lesson data must follow, in one place: ``smtp-sim lessons check`` applies them
to any lesson folder, and the tests apply the same ones to the shipped files."""

from __future__ import annotations

import re
from typing import Final

CHINESE: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""A Han character (CJK Unified Ideographs, Extension A, Compatibility Ideographs): a Chinese
text without one is an English text left untranslated."""

PROSE_FIELDS: Final = frozenset({"title", "description", "when", "fix", "why", "difference",
                                 "which", "meaning"})
"""Fields that are sentences for the learner (so must be Chinese in a zh file)."""

RFC_PART: Final = re.compile(r"RFC \d{3,5} §\d+(\.\d+)*")
"""One cited rule: an RFC and a section of it (``RFC 5321 §4.5.3.1.4``)."""

MAX_ENGLISH_HAN: Final = 6
"""English text may quote a Chinese address as an example, but only briefly."""


def is_rfc_reference(text: str) -> bool:
    """``RFC 5321 §4.1.1.1`` or several such, separated by ``;``."""
    parts = [part.strip() for part in text.split(";")]
    return bool(parts) and all(RFC_PART.match(part) for part in parts)


def reads_as_chinese(text: str) -> bool:
    return CHINESE.search(text) is not None


def reads_as_english(text: str) -> bool:
    return len(CHINESE.findall(text)) <= MAX_ENGLISH_HAN
