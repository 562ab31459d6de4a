"""Lesson texts with ``{placeholders}``: listing them (for the linter) and filling them.

Texts use Python's format syntax with named fields only; literal braces are ``{{`` ``}}``.
Filling never raises: a text the linter would reject is shown as written rather than
crashing the console in the middle of a lesson.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

_FORMATTER = string.Formatter()


def placeholders(text: str) -> tuple[str, ...]:
    """The field names used in ``text``, in order; raises ValueError when it is malformed.

    Only plain names are allowed: no positional ``{}``, attribute, index, conversion or
    format spec, since lesson authors are not programmers and values are display text.
    """
    names: list[str] = []
    for _, name, spec, conversion in _FORMATTER.parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must be a plain name such as {{verb}}")
        names.append(name)
    return tuple(names)


def fill(text: str, fields: Mapping[str, str]) -> str:
    """``text`` with its placeholders replaced by ``fields``; unchanged when that fails."""
    try:
        return text.format_map(fields)
    except (KeyError, ValueError, IndexError, AttributeError):
        return text
