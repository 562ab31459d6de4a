"""The classroom's words and data: UI strings of ``demo``, the dashboard and ``serve``'s
lesson log (``classroom.LANG.toml``), the short titles of the mistakes the class makes,
and the built-in demo scripts under ``lessons/demos/``. Pure: it only reads data files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .load import LANGS, MAX_DATA_FILE, Library, check_lang, default_library, read_data
from .templates import fill

KIND: Final = "classroom"
SECTIONS: Final = ("demo", "dashboard", "serve", "mistakes", "replies")
DEMO_DIR: Final = "demos"
"""Built-in demos: ``NAME.LANG.run`` per language (the same commands, narration in that
language) and ``NAME.toml`` (title, summary, server setup)."""


def words(lang: str, section: str, library: Library | None = None) -> Mapping[str, object]:
    """One table of ``classroom.LANG.toml`` (``demo``, ``dashboard``, ``serve``...)."""
    lib = library or default_library()
    return lib.table(KIND, check_lang(lang), section)


def say(lang: str, section: str, entry: str, /, **fields: object) -> str:
    """A UI sentence with its placeholders filled (as every lesson text is: a bad one is shown
    as written, never a crash); the English one when a language lacks it."""
    for choice in (lang, "en"):
        value = words(choice, section).get(entry)
        if isinstance(value, str):
            return fill(value, {k: str(v) for k, v in fields.items()}) if fields else value
    raise KeyError(f"classroom.{lang}.toml has no [{section}] {entry}")


def columns(lang: str) -> tuple[str, ...]:
    """The dashboard's column headings."""
    value = words(lang, "dashboard").get("columns")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return tuple(str(item) for item in words("en", "dashboard").get("columns", []))  # type: ignore[attr-defined]


def mistake_title(key: str, code: int, lang: str) -> str:
    """The short title of a mistake (reply key); else the title of its reply code."""
    title = words(lang, "mistakes").get(key)
    if isinstance(title, str):
        return title
    from .entries import UnknownCodeError, code_entry  # only for a key without a title

    try:
        return code_entry(code, lang).title
    except UnknownCodeError:
        return key


def reply_title(key: str, code: int, lang: str) -> str:
    """The short title of any reply key: a mistake's (``[mistakes]``), else the other
    replies' (``[replies]``), else the title of its reply code (a rule file's own key)."""
    title = words(lang, "replies").get(key)
    return title if isinstance(title, str) else mistake_title(key, code, lang)


def demo_names(library: Library | None = None) -> tuple[str, ...]:
    """Every built-in demo, by name, in the order of their ``order`` field then name."""
    lib = library or default_library()
    folder = lib.root / DEMO_DIR
    if not folder.is_dir():
        return ()
    names = [item.name.removesuffix(".toml") for item in folder.iterdir()
             if item.name.endswith(".toml")]
    return tuple(sorted(names, key=lambda name: (_order(lib, name), name)))


def _order(lib: Library, name: str) -> int:
    from simulator.files import parse_toml

    path = lib.root / DEMO_DIR / f"{name}.toml"
    value = parse_toml(read_data(path, MAX_DATA_FILE), str(path)).get("order", 99)
    return value if isinstance(value, int) else 99


def demo_texts(name: str, library: Library | None = None,
               ) -> tuple[Mapping[str, str], str] | None:
    """The run files (per language) and the companion TOML of a built-in demo, or None."""
    lib = library or default_library()
    folder = lib.root / DEMO_DIR
    companion = folder / f"{name}.toml"
    if "/" in name or not companion.is_file():
        return None
    runs = {lang: read_data(folder / f"{name}.{lang}.run", MAX_DATA_FILE)
            for lang in LANGS if (folder / f"{name}.{lang}.run").is_file()}
    return runs, read_data(companion, MAX_DATA_FILE)
