"""The learn face's own words: the ``[learn]`` table of ``lessons/ui.LANG.toml``, read through
the one UI lookup every face uses (``lessons check`` holds every key in every language)."""

from __future__ import annotations

from ..ui import text


def say(key: str, lang: str, /, **fields: object) -> str:
    """``learn.KEY`` in ``lang`` (English when ``lang`` lacks it), filled from ``fields``."""
    return text(f"learn.{key}", lang, **fields)
