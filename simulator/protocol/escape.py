"""The one escaper: client bytes made safe for any screen, log or reply line.

A student's bytes reach the instructor's terminal, a learner's console and the server's own
replies. Whatever they hold, nothing may move a cursor, change colours, reorder text (bidi
overrides) or hide (zero-width characters). So only what can harm or hide is escaped: C0 and
C1 controls, DEL, format characters (Unicode category Cf: bidi controls, zero-width joiners,
soft hyphens...), lone surrogates, line and paragraph separators, unassigned and private-use
code points. Letters in any script, CJK punctuation and emoji stay as typed.

Escapes are Python-style and unambiguous: ``\\t``, ``\\r``, ``\\n``, ``\\\\``, ``\\xNN`` for a
C0 control or an undecodable byte, ``\\uNNNN`` (C1 controls too) and ``\\UNNNNNNNN`` above
that. Replies are ASCII (RFC 5321 §4.2; RFC 6531 §3.7.4 keeps them so even after SMTPUTF8), so
:func:`quote` shows a non-ASCII letter as ``?``: a learner never reads a ``\\u4f60`` escape
for the 你 typed, and what can harm or hide is escaped as everywhere.

One truncation rule serves every place that shortens client text: :func:`shorten` keeps whole
escapes and ends in ``...``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Final

_NAMED: Final = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\"}
_HIDDEN: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Unicode categories that can harm a terminal or hide text."""
ELLIPSIS: Final = "..."
MAX_ECHO: Final = 60
"""How much of a client's input a reply may quote back, so reply lines stay short."""


def escape_char(char: str, *, ascii_only: bool = False, keep_backslash: bool = False) -> str:
    """One character as it may be shown: itself, or its escape."""
    if " " <= char <= "~":
        return "\\\\" if char == "\\" and not keep_backslash else char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if unicodedata.category(char) not in _HIDDEN:
        return "?" if ascii_only else char  # RFC 6531 §3.7.4: a reply stays ASCII
    if code < 0x80:  # \x80-\xff mean undecodable bytes; a C1 character is \u0080-\u009f
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _pieces(text: str, *, ascii_only: bool, keep_backslash: bool = False) -> Iterable[str]:
    return (escape_char(char, ascii_only=ascii_only, keep_backslash=keep_backslash)
            for char in text)


def _joined(pieces: Iterable[str], limit: int | None) -> str:
    """The pieces joined, cut to at most ``limit`` characters at a piece boundary."""
    if limit is None:
        return "".join(pieces)
    out: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        out.append(piece)
        if size > limit:
            return _cut(out, limit)
    return "".join(out)


def _cut(out: list[str], limit: int) -> str:
    room = max(limit - len(ELLIPSIS), 0)
    kept: list[str] = []
    size = 0
    for piece in out:
        if size + len(piece) > room:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept) + ELLIPSIS


def show_text(text: str, *, limit: int | None = None, ascii_only: bool = False) -> str:
    """``text`` escaped for a screen, at most ``limit`` characters (ending ``...`` if cut)."""
    if text.isascii() and text.isprintable() and "\\" not in text:
        return text if limit is None or len(text) <= limit else shorten(text, limit)
    return _joined(_pieces(text, ascii_only=ascii_only), limit)


def show_typed(text: str, *, limit: int | None = None) -> str:
    """What the learner typed, echoed back to them, or a sentence of our own: only what can
    harm or hide is escaped, and a backslash stays one backslash (``:b64 \\0student``).
    Wire lines use :func:`show_bytes`, where ``\\\\`` keeps a typed backslash apart from an
    escaped byte; a medium with its own escapes (Markdown) adds them once, after this."""
    if text.isprintable():
        return text if limit is None or len(text) <= limit else shorten(text, limit)
    return _joined(_pieces(text, ascii_only=False, keep_backslash=True), limit)


def show_bytes(raw: bytes, *, visible_eol: bool = False, limit: int | None = None) -> str:
    """Client bytes as safe printable text: no terminal control sequence survives.

    Valid UTF-8 letters stay (a learner's 中文 and 👍 read as typed); an undecodable byte is
    ``\\xNN``. A final CRLF or LF is dropped unless ``visible_eol``, which shows every CR and
    LF as ``\\r`` and ``\\n``.
    """
    if not visible_eol:
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
    return show_text(raw.decode("utf-8", errors="surrogateescape"), limit=limit)


def shorten(shown: str, limit: int) -> str:
    """Already-safe text cut to ``limit`` characters, ending ``...`` when it was longer."""
    if len(shown) <= limit:
        return shown
    return shown[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS


def quote(raw: str, limit: int = MAX_ECHO) -> str:
    """Client text made safe to echo in a reply: printable ASCII only, at most ``limit``;
    a letter beyond ASCII is ``?`` (never a Python escape), a harmful character its escape."""
    if len(raw) <= limit and raw.isascii() and raw.isprintable() and "\\" not in raw:
        return raw  # the common case: nothing to escape
    return _joined(_pieces(raw, ascii_only=True), limit)
