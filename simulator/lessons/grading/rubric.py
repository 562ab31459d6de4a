"""A rubric file read (what a rubric holds is model.py): the server to grade against (a
lesson's ``[setup]``), the message the program is asked to send, and the items with their
points, built-in ones by their judge's id (judge.BUILTIN_ITEMS), custom ones in the course's
check language. A bad rubric is refused whole, each problem naming the file and the field."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from simulator.files import FileRefused, parse_toml, read_text

from ..course.load import _check
from ..course.problems import Problems
from ..course.setup import parse_setup
from ..load import LANGS, data_root
from ..scenarios import check_file
from .judge import BUILTIN_ITEMS
from .model import Item, Message, Rubric

RUBRIC_DIR: Final = "rubrics"
MAX_RUBRIC_FILE: Final = 256 * 1024
MAX_POINTS: Final = 1000
RUBRIC_FIELDS: Final = frozenset({"setup", "scenario", "message", "items", *LANGS})
ITEM_FIELDS: Final = frozenset({"id", "points", "required", "seen", "not_seen", *LANGS})
MESSAGE_FIELDS: Final = frozenset({"from", "to", "lines"})


class RubricError(ValueError):
    """A rubric that cannot be used; ``problems`` name the file and the field of each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _text_table(p: Problems, where: str, table: object, fields: tuple[str, ...]
                ) -> dict[str, str]:
    if not isinstance(table, Mapping):
        p.add(where, "missing (every rubric text is needed in every language)")
        return {}
    p.unknown(where, table, frozenset(fields))
    out = {}
    for name in fields:
        value = table.get(name)
        if not isinstance(value, str) or not value.strip():
            p.add(f"{where}.{name}", "expected text")
        else:
            out[name] = value
    return out


def _message(p: Problems, table: object) -> Message:
    if table is None:
        return Message()
    if not isinstance(table, Mapping):
        p.add("message", "expected a table")
        return Message()
    p.unknown("message", table, MESSAGE_FIELDS)
    default = Message()
    sender = table.get("from", default.sender)
    to, lines = table.get("to", list(default.recipients)), table.get("lines", list(default.lines))
    if not isinstance(sender, str) or "@" not in sender:
        p.add("message.from", "expected an address such as alice@example.org")
        sender = default.sender
    if not isinstance(to, list) or not to or not all(isinstance(a, str) and "@" in a for a in to):
        p.add("message.to", "expected a list of addresses")
        to = list(default.recipients)
    if not isinstance(lines, list) or not all(isinstance(a, str) for a in lines) or not lines:
        p.add("message.lines", "expected a list of lines (header, empty line, body)")
        lines = list(default.lines)
    return Message(sender, tuple(to), tuple(lines))


def _item(p: Problems, index: int, table: object, builtin: frozenset[str]) -> Item | None:
    where = f"items[{index}]"
    if not isinstance(table, Mapping):
        p.add(where, "expected a table")
        return None
    p.unknown(where, table, ITEM_FIELDS)
    item_id, points = table.get("id"), table.get("points", 1)
    required = table.get("required", True)
    if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= MAX_POINTS:
        p.add(f"{where}.points", f"expected a whole number from 0 to {MAX_POINTS}")
        points = 0
    if not isinstance(required, bool):
        p.add(f"{where}.required", "expected true or false")
        required = True
    if not isinstance(item_id, str) or not item_id:
        p.add(f"{where}.id", "expected an item id")
        return None
    custom = "seen" in table or "not_seen" in table
    if not custom:
        if item_id not in builtin:
            p.add(f"{where}.id", f"unknown item {item_id!r}: expected one of "
                  f"{', '.join(sorted(builtin))}, or a custom item with seen or not_seen")
        return Item(item_id, points, required)
    seen = _check(p, f"{where}.seen", table["seen"]) if "seen" in table else None
    not_seen = _check(p, f"{where}.not_seen", table["not_seen"]) if "not_seen" in table else None
    texts = {lang: _text_table(p, f"{where}.{lang}", table.get(lang), ("title", "fix"))
             for lang in LANGS}
    return Item(item_id, points, required, seen, not_seen, texts)


def _scenario(p: Problems, value: object, folder: Path) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.endswith(".toml"):
        p.add("scenario", "expected a scenario file name, such as scenarios/robust.toml")
        return None
    path = folder / value
    for problem in check_file(str(path)):
        p.add("scenario", problem)
    return path


def parse_rubric(name: str, text: str, folder: Path | None = None) -> Rubric:
    """The rubric in ``text`` (read from the file ``name``, in ``folder``, where its
    ``scenario`` file is found); RubricError naming every problem (``name: field: what is
    wrong``)."""
    p = Problems(name)
    try:
        doc: Mapping[str, Any] = parse_toml(text, name)
    except (tomllib.TOMLDecodeError, FileRefused) as err:
        raise RubricError([f"{name}: {err}"]) from err
    p.unknown("", doc, RUBRIC_FIELDS)
    setup, needs = parse_setup(p, doc.get("setup", {}))
    if needs:
        p.add("setup", f"this server cannot provide {', '.join(needs)} yet")
    items_doc = doc.get("items")
    if not isinstance(items_doc, list) or not items_doc:
        p.add("items", "expected at least one [[items]] table")
        items_doc = []
    parsed = [_item(p, i, table, frozenset(BUILTIN_ITEMS)) for i, table in enumerate(items_doc)]
    items = tuple(item for item in parsed if item is not None)
    ids = [item.id for item in items]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        p.add("items", f"the id {dup!r} is used twice")
    titles = {lang: _text_table(p, lang, doc.get(lang), ("title",)).get("title", name)
              for lang in LANGS}
    message = _message(p, doc.get("message"))
    scenario = _scenario(p, doc.get("scenario"), folder or Path(name).parent)
    if p.found:
        raise RubricError(list(p.found))
    return Rubric(Path(name).stem, setup, message, items, titles, scenario)


def load_rubric(path: Path) -> Rubric:
    """The rubric file at ``path`` (bounded read); RubricError when it cannot be used."""
    try:
        text = read_text(path, MAX_RUBRIC_FILE)
    except (OSError, FileRefused) as err:
        raise RubricError([f"{path}: {getattr(err, 'strerror', None) or err}"]) from err
    return parse_rubric(str(path), text, path.parent)


def default_rubric(name: str = "basic") -> Rubric:
    """A rubric shipped under ``lessons/rubrics/`` (``basic``, ``robust``)."""
    folder = Path(str(data_root() / RUBRIC_DIR))
    return parse_rubric(f"{name}.toml", (folder / f"{name}.toml").read_text(encoding="utf-8"),
                        folder)


def shipped_rubrics() -> tuple[str, ...]:
    return tuple(sorted(entry.name.removesuffix(".toml") for entry in
                        (data_root() / RUBRIC_DIR).iterdir() if entry.name.endswith(".toml")))


def check_rubric(path: str) -> int:
    """``lessons check --rubric FILE``: every problem, naming file and field; 0 when usable."""
    try:
        rubric = load_rubric(Path(path))
    except RubricError as err:
        for problem in err.problems:
            print(problem)
        return 1
    print(f"lessons check: {path} clean ({len(rubric.items)} items, "
          f"{rubric.max_points} points)")
    return 0
