"""Wrap styled text to a terminal width, counting display columns (CJK is two wide).

Chinese has no spaces, so a line may break between any two ideographs, but not before
closing punctuation (，。）…) nor after opening punctuation (（“…), the basic line-breaking
rules of CJK typesetting. Latin words, such as ``MAIL FROM:<a@b>`` inside Chinese text,
are never split unless one is wider than the whole line. Only spaces at a break vanish;
every other character is kept. A continuation line keeps the leading indentation of its
logical line, or hangs under the text after a marker (`` -> ``, ``<-  ``) when asked.

Widths are wcwidth's (prompt_toolkit's own measure, so what is wrapped here is what the
console's screen counts): CJK and full-width forms take two columns, combining marks none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from simulator.protocol.lazyre import lazy

Fragment = tuple[str, str]
Fragments = list[Fragment]
"""Styled text as prompt_toolkit takes it: (style, text) pairs. Declared once, here."""
"""``(style, text)``, the shape of prompt_toolkit's FormattedText items."""

NO_LINE_START: Final = frozenset("，。、；：！？）】」』》〉”’…—·%,.;:!?)]}")
"""Characters that must not begin a line: they stick to what precedes them."""
NO_LINE_END: Final = frozenset("（【「『《〈“‘([{")
"""Characters that must not end a line: they stick to what follows them."""

_Cell = tuple[str, str]  # (style, one character)


_LIST_ITEM: Final = lazy(r" *(?:[▸✓✗] *)?(?:\d{1,3}\.|[-•]) (?=\S)")
"""A numbered or bulleted item (a lesson step may carry ▸ or ✓ before its number): its
continuation lines stand under its text."""


@functools.cache
def _wcwidth() -> Callable[[str], int]:
    """wcwidth, imported on first use: the package's import costs about 36 ms, which
    ``smtp-sim serve`` and ``explain`` would otherwise pay at every start for a help text."""
    from wcwidth import wcwidth

    return wcwidth


def char_width(char: str) -> int:
    """Columns one character takes: 2 for wide/full-width, 0 for combining marks, else 1
    (a control character, which is never shown unescaped, counts as 1)."""
    width = _wcwidth()(char)
    return 1 if width < 0 else width


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    return sum(char_width(char) for char in text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns; when it had to be cut it ends with ``…``."""
    if text_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…" if width > 0 else ""


def _units(cells: Sequence[_Cell]) -> list[list[_Cell]]:
    """Cut one line into unbreakable units: space runs, Latin words, single ideographs.

    Closing punctuation joins the unit before it, opening punctuation the unit after it;
    a line may break between a wide character and a Latin word (UAX #14 allows it).
    """
    units: list[list[_Cell]] = []
    glue_next = False
    for cell in cells:
        char = cell[1]
        previous = units[-1] if units else None
        is_space = char == " "
        joins = previous is not None and (
            glue_next
            or (char in NO_LINE_START and previous[-1][1] != " ")
            or (not is_space and char_width(char) < 2 and previous[-1][1] != " "
                and char_width(previous[-1][1]) < 2)
            or (is_space and previous[-1][1] == " ")
        )
        if joins and previous is not None:
            previous.append(cell)
        else:
            units.append([cell])
        glue_next = char in NO_LINE_END
    return units


def _wrap_cells(cells: Sequence[_Cell], width: int, hang: int | None) -> list[list[_Cell]]:
    """Greedy fill of one logical line; continuation lines keep its leading indentation
    (under the text of a list item: ``  12. ``, ``  - ``), or are indented by ``hang``
    columns when given (under the text after a marker)."""
    item = _LIST_ITEM.match("".join(char for _, char in cells[:12]))
    indent = item.end() if item else 0
    while indent < len(cells) and cells[indent][1] == " ":
        indent += 1
    indent = min(indent if hang is None else hang, max(width // 3, 0))
    lines: list[list[_Cell]] = [[]]
    used = 0
    for unit in _units(cells):
        unit_width = text_width("".join(char for _, char in unit))
        if unit[0][1] == " " and lines[-1] and used + unit_width > width:
            continue  # spaces at a break point vanish
        if used + unit_width > width and used > indent:
            _strip_trailing_spaces(lines[-1])
            lines.append([("", " ")] * indent)
            used = indent
            if unit[0][1] == " ":
                continue
        for cell in unit:  # a unit wider than the line is split by columns
            cell_width = char_width(cell[1])
            if used + cell_width > width and used > indent:
                lines.append([("", " ")] * indent)
                used = indent
            lines[-1].append(cell)
            used += cell_width
    return lines


def _strip_trailing_spaces(line: list[_Cell]) -> None:
    while line and line[-1][1] == " ":
        line.pop()


def _merge(cells: Iterable[_Cell]) -> list[Fragment]:
    out: list[Fragment] = []
    for style, char in cells:
        if out and out[-1][0] == style:
            out[-1] = (style, out[-1][1] + char)
        else:
            out.append((style, char))
    return out


def wrap_fragments(fragments: Iterable[Fragment], width: int, *,
                   hang: int | None = None, markers: Sequence[str] = ()) -> list[Fragment]:
    """The fragments with newlines added so no line is wider than ``width`` columns.

    ``hang``: continuation lines are indented by that many columns (a wire line's marker is
    4 wide), instead of the logical line's own leading spaces. ``markers``: a logical line
    that starts with one of them hangs under the text after it (a whole transcript at once).
    A width below 10 turns wrapping off (nothing sensible fits).
    """
    fragments = list(fragments)
    if width < 10:
        return fragments
    logical: list[list[_Cell]] = [[]]
    for style, text in fragments:
        for char in text:
            if char == "\n":
                logical.append([])
            else:
                logical[-1].append((style, char))
    cells: list[_Cell] = []
    for number, line in enumerate(logical):
        if number:
            cells.append(("", "\n"))
        text = "".join(char for _, char in line)
        marker = next((m for m in markers if text.startswith(m)), None)
        line_hang = hang if marker is None else text_width(marker)
        for row, wrapped in enumerate(_wrap_cells(line, width, line_hang)):
            if row:
                cells.append(("", "\n"))
            cells.extend(wrapped)
    return _merge(cells)
