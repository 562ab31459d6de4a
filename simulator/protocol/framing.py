"""Byte stream -> lines, for command mode and for the message text after DATA.

Rules (RFC 5321 §2.3.8, §4.1.1.4, §4.5.3.1.4-6):
- a command line is at most 512 octets including CRLF; a longer one is discarded up to its
  line feed and reported once, so a never-ending line costs bounded memory;
- a command line ended by a bare LF or a bare CR is reported as such (the session decides);
- message text is split on CRLF only: a bare LF or bare CR never ends a line, so never ends
  the message either (the defence against SMTP smuggling); a text line over the limit is
  handed over in pieces so memory stays bounded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final, NamedTuple

from .lazyre import lazy

MAX_COMMAND_LINE: Final = 512
MAX_TEXT_LINE: Final = 1000
MAX_AUTH_LINE: Final = 12288
"""RFC 4954 §4: an AUTH command line and each line of its 334 dialogue, CRLF included."""
RAW_KEEP: Final = MAX_COMMAND_LINE
"""How many octets of an over-long line are kept to show the learner what was sent."""

_CR_OR_LF: Final = lazy(b"[\r\n]")


class Ending(enum.Enum):
    """How a command line was terminated."""

    CRLF = "CRLF"
    BARE_LF = "LF"
    BARE_CR = "CR"


class CommandLine(NamedTuple):
    """One command line: its content without terminator, the raw bytes, how it ended.

    (A NamedTuple: one is made per line, and it is the cheapest immutable record.)
    """

    content: bytes
    raw: bytes
    ending: Ending
    length: int
    """Octets on the wire including the terminator (raw may be cut short when too long)."""
    limit: int = MAX_COMMAND_LINE
    """The longest this line could be: 512, or 12288 for AUTH (see :data:`MAX_AUTH_LINE`)."""

    @property
    def too_long(self) -> bool:
        return self.length > self.limit


TLS_HANDSHAKE_RECORD: Final = b"\x16\x03"
"""How a TLS record carrying a handshake starts (content type 22, version 3.x: RFC 8446
§5.1); no SMTP command can, as its first octet is a control character."""


def framing_error(line: CommandLine, *, accept_bare_lf: bool) -> str | None:
    """The reply key a line's framing earns, or None: too long (RFC 5321 §4.5.3.1.4, RFC 4954
    §4 for AUTH's lines), ended by a bare CR, or by a bare LF unless the server accepts one
    (§2.3.8). Commands and the 334 dialogue's answers are held to the same rule."""
    if line.length > line.limit:  # too_long, without a property call per line
        return "auth.line-too-long" if line.limit == MAX_AUTH_LINE else "limits.line-too-long"
    if line.ending is Ending.BARE_CR:
        return "syntax.bare-cr"
    if line.ending is Ending.BARE_LF and not accept_bare_lf:
        return "syntax.bare-lf"
    return None


def framing_fields(line: CommandLine) -> dict[str, object]:
    """What a framing refusal's reply is about: the limit a line too long went past."""
    return {"limit": line.limit} if line.too_long else {}


@dataclass(frozen=True, slots=True)
class TextPiece:
    """Part of a message text line; ``ends_line`` when the CRLF was reached."""

    content: bytes
    ends_line: bool


class Framer:
    """Buffers received bytes and cuts them into command lines or message text pieces."""

    __slots__ = ("_buffer", "_discard_limit", "_discarded_head", "_discarding")

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._discarding = 0  # octets of an over-long command line dropped so far
        self._discarded_head = b""
        self._discard_limit = MAX_COMMAND_LINE

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def clear(self) -> None:
        self._buffer.clear()

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    @property
    def in_line(self) -> bool:
        """True when part of a line has arrived (kept or being discarded) but not its end."""
        return bool(self._buffer) or self._discarding > 0

    def starts_with(self, word: bytes) -> bool:
        """True when the buffered line begins with ``word`` (ASCII, any case)."""
        return bytes(self._buffer[:len(word)]).upper() == word

    def next_command_line(self, limit: int = MAX_COMMAND_LINE) -> CommandLine | None:
        """The next complete command line, or None until more bytes arrive.

        ``limit`` is the longest line allowed (CRLF included); a longer one is discarded.
        """
        buf = self._buffer
        if self._discarding:
            return self._finish_discard()
        found = _CR_OR_LF.search(buf)
        if found is None:
            if len(buf) >= limit:  # cannot fit in the limit whatever comes
                self._discarding = len(buf)
                self._discarded_head = bytes(buf[:RAW_KEEP])
                self._discard_limit = limit
                buf.clear()
            return None
        start = found.start()
        if buf[start] == 0x0A:
            ending, size = Ending.BARE_LF, start + 1
        elif start + 1 == len(buf):
            return None  # a CR at the end: wait to see whether LF follows
        elif buf[start + 1] == 0x0A:
            ending, size = Ending.CRLF, start + 2
        else:
            ending, size = Ending.BARE_CR, start + 1
        raw = bytes(buf[:size])
        del buf[:size]
        return CommandLine(raw[:start], raw[:RAW_KEEP], ending, size, limit)

    def _finish_discard(self) -> CommandLine | None:
        """Drop the rest of an over-long line; report it once its line ending arrives.

        The ending is found exactly as in :meth:`next_command_line` (LF, CRLF, or a CR
        followed by anything else), so the replies do not depend on how bytes are split.
        """
        buf = self._buffer
        found = _CR_OR_LF.search(buf)
        if found is None or (buf[found.start()] == 0x0D and found.start() + 1 == len(buf)):
            keep = 1 if found is not None else 0  # a CR at the end may start a CRLF
            self._discarding += len(buf) - keep
            del buf[: len(buf) - keep]
            return None
        start = found.start()
        crlf = buf[start] == 0x0D and buf[start + 1] == 0x0A
        size = start + (2 if crlf else 1)
        length = self._discarding + size
        del buf[:size]
        head = self._discarded_head
        self._discarding, self._discarded_head = 0, b""
        return CommandLine(head, head, Ending.CRLF, length, self._discard_limit)

    def next_text_block(self) -> bytes | None:
        """At the start of a text line: all complete lines before the lone ``.`` line.

        Returns the lines with their CRLFs, or None when no complete line is buffered or
        the next line is the ``.`` that ends the message (then use next_text_piece).
        """
        buf = self._buffer
        if buf.startswith(b".\r\n"):
            return None
        end = buf.find(b"\r\n.\r\n")
        size = end + 2 if end >= 0 else buf.rfind(b"\r\n") + 2
        if size < 2:
            return None
        block = bytes(buf[:size])
        del buf[:size]
        return block

    def next_text_piece(self) -> TextPiece | None:
        """The next piece of message text, split on CRLF only, or None for more bytes."""
        buf = self._buffer
        end = buf.find(b"\r\n")
        if end >= 0:
            content = bytes(buf[:end])
            del buf[: end + 2]
            return TextPiece(content, ends_line=True)
        if len(buf) <= MAX_TEXT_LINE:
            return None
        keep = 1 if buf[-1] == 0x0D else 0  # never split a CRLF across pieces
        content = bytes(buf[: len(buf) - keep])
        del buf[: len(buf) - keep]
        return TextPiece(content, ends_line=False)


class TextLine:
    """Octets of the message text line being received, against the limit of 1000 with its
    CRLF (RFC 5321 §4.5.3.1.6; the caller leaves out a transparency dot). With
    ``bare_lf_ends`` (accept_bare_lf) a bare LF ends a line too, so each line is counted on
    its own, whatever ended it."""

    __slots__ = ("bare_lf_ends", "octets")

    def __init__(self, *, bare_lf_ends: bool) -> None:
        self.bare_lf_ends = bare_lf_ends
        self.octets = 0

    def add(self, content: bytes, ends_line: bool) -> bool:
        """Count a piece of text (``ends_line``: its CRLF came); True when a line went over."""
        lines = content.split(b"\n") if self.bare_lf_ends else [content]
        lengths = [self.octets + len(lines[0]), *map(len, lines[1:])]
        ended = lengths if ends_line else lengths[:-1]
        self.octets = 0 if ends_line else lengths[-1]
        return max(ended, default=0) + 2 > MAX_TEXT_LINE or lengths[-1] > MAX_TEXT_LINE
