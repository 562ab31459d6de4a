"""Small terminal helpers shared by every face: colour decisions and safe display of bytes."""

from __future__ import annotations

import os
from typing import TextIO

_NAMED: dict[int, str] = {0x09: "\\t", 0x0D: "\\r", 0x0A: "\\n", 0x5C: "\\\\"}


def wants_color(stream: TextIO, *, no_color: bool = False) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR set (no-color.org)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def show_bytes(raw: bytes, *, visible_eol: bool = False) -> str:
    """Client bytes as safe printable text: no terminal control sequence survives.

    Printable ASCII stays; valid UTF-8 letters stay (so a learner's 中文 reads as typed);
    everything else becomes ``\\xNN``. A final CRLF/LF is dropped unless ``visible_eol``,
    which shows every CR and LF as ``\\r`` and ``\\n``.
    """
    if not visible_eol:
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
    out: list[str] = []
    text = raw.decode("utf-8", errors="surrogateescape")
    for char in text:
        code = ord(char)
        if code in _NAMED and (visible_eol or code not in (0x0D, 0x0A)):
            out.append(_NAMED[code])
        elif 0x20 <= code < 0x7F or (code > 0x9F and char.isprintable() and code < 0xDC80):
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:  # an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)
