"""The words of ``smtp-sim grade`` (``lessons/grade.LANG.toml``): each built-in item's title
and fix, the report's sentences and the face's errors, in every language."""

from __future__ import annotations

from typing import Final

from ..load import LANGS, check_lang, default_library
from ..templates import fill
from .model import Item

KIND: Final = "grade"


def say(lang: str, section: str, entry: str, /, **fields: object) -> str:
    """A sentence of ``[section]`` with its placeholders filled (English when ``lang``
    lacks it); KeyError when no language has it."""
    for choice in dict.fromkeys((lang if lang in LANGS else LANGS[0], LANGS[0])):
        value = default_library().table(KIND, check_lang(choice), section).get(entry)
        if isinstance(value, str):
            return fill(value, {k: str(v) for k, v in fields.items()}) if fields else value
    raise KeyError(f"{KIND}.{lang}.toml has no [{section}] {entry}")


def item_text(item: Item, lang: str, name: str) -> str:
    """An item's ``title`` or ``fix``: the rubric's own for a custom item, else the data's."""
    if item.texts:
        own = item.texts.get(lang) or item.texts.get(LANGS[0]) or {}
        if name in own:
            return own[name]
    items = default_library().table(KIND, check_lang(lang if lang in LANGS else LANGS[0]),
                                    "items")
    entry = items.get(item.id)
    if isinstance(entry, dict) and isinstance(entry.get(name), str):
        return str(entry[name])
    return item.id if name == "title" else ""
