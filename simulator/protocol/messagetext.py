"""The message-text reader: what the client sends between 354 and the lone ``.`` line.

One of the session's three input modes (see ``session.READERS``): it unstuffs dots (RFC 5321
§4.5.2), counts the text against SIZE, and notes what makes the message unacceptable (a
line over 1000 octets, a bare CR or LF, too big) without keeping the text of a lost
message. It never replies by itself: at the end of the text the session answers for the
whole message, with :meth:`MessageText.refusal` when there is a problem.
"""

from __future__ import annotations

from typing import Final

from .framing import MAX_TEXT_LINE, Framer, TextLine, TextPiece
from .replies import Reply, make_reply

_PROBLEM_ORDER: Final = ("limits.message-too-big", "data.line-too-long", "data.bare-lf",
                         "data.bare-cr")
"""When a message has several problems, the reply names the first of these."""


class MessageText:
    """The text of one message as it arrives (a new one after every 354)."""

    __slots__ = ("_accept_bare_lf", "_line", "_line_size", "_max_size", "_problems", "_text",
                 "bare_lf_read", "size")

    def __init__(self, *, max_size: int, accept_bare_lf: bool) -> None:
        self._max_size = max_size
        self._accept_bare_lf = accept_bare_lf
        self._text = bytearray()
        self.size = 0
        """Octets of unstuffed text so far (kept or not)."""
        self._line_size = 0
        self._line = TextLine(bare_lf_ends=accept_bare_lf)
        self._problems: list[str] = []
        self.bare_lf_read = False
        """A bare LF was read as CRLF (``accept_bare_lf``): the message checks of a lesson
        about SMTP smuggling ask for it."""

    @property
    def content(self) -> bytes:
        """The text kept so far (nothing once the message is lost)."""
        return bytes(self._text)

    @property
    def kept(self) -> int:
        """Octets held in memory."""
        return len(self._text)

    def refusal(self) -> Reply | None:
        """The reply that refuses the whole message, or None when nothing was wrong."""
        if not self._problems:
            return None
        key = min(self._problems, key=_PROBLEM_ORDER.index)
        if key == "limits.message-too-big":
            return make_reply(key, limit=self._max_size)
        if key == "data.line-too-long":
            return make_reply(key, limit=MAX_TEXT_LINE)
        return make_reply(key)

    def read(self, framer: Framer) -> bool | None:
        """Take what ``framer`` holds of the text: True at the lone ``.`` line (the end),
        False when something was taken, None when more bytes are needed."""
        if self._line_size == 0 and self._take_block(framer):
            return False
        piece = framer.next_text_piece()
        if piece is None:
            return None
        return self._take(piece)

    def _take(self, piece: TextPiece) -> bool:
        """Take one piece of text; True when it is the lone ``.`` line that ends it."""
        at_line_start = self._line_size == 0
        if at_line_start and piece.ends_line and piece.content == b".":
            return True
        content = piece.content
        if at_line_start and content.startswith(b"."):
            content = content[1:]  # RFC 5321 §4.5.2: dot-unstuffing
        self._line_size = 0 if piece.ends_line else self._line_size + len(content)  # from CRLF
        if self._line.add(content, piece.ends_line):  # RFC 5321 §4.5.3.1.6
            self._note_problem("data.line-too-long")
        if b"\r" in content:
            self._note_problem("data.bare-cr")
        if b"\n" in content:
            if self._accept_bare_lf:
                content, self.bare_lf_read = content.replace(b"\n", b"\r\n"), True
            else:
                self._note_problem("data.bare-lf")
        if piece.ends_line:
            content += b"\r\n"
        self._add(content)
        return False

    def _take_block(self, framer: Framer) -> bool:
        """Take every complete text line before the end of the message in one go.

        The fast path for ordinary text: it gives exactly what :meth:`_take` would give line
        by line, and hands anything unusual (bare CR or LF) back to that path. Returns False
        when there was no complete line to take.
        """
        block = framer.next_text_block()
        if block is None:
            return False
        crlf = block.count(b"\r\n")
        if block.count(b"\r") != crlf or block.count(b"\n") != crlf:
            for line in block.split(b"\r\n")[:-1]:
                self._take(TextPiece(line, ends_line=True))
            return True
        if block.startswith(b".") or b"\r\n." in block:  # RFC 5321 §4.5.2: dot-unstuffing
            lines = [line[1:] if line.startswith(b".") else line for line in block.split(b"\r\n")]
            block = b"\r\n".join(lines)
        if max(map(len, block.split(b"\r\n"))) + 2 > MAX_TEXT_LINE:
            self._note_problem("data.line-too-long")
        self._add(block)
        return True

    def _add(self, content: bytes) -> None:
        """Count unstuffed text against SIZE and keep it, unless the message is lost already."""
        self.size += len(content)
        if self.size > self._max_size:
            self._note_problem("limits.message-too-big")
        if not self._problems:
            self._text += content

    def _note_problem(self, key: str) -> None:
        if key not in self._problems:
            self._problems.append(key)
            self._text = bytearray()  # the message is lost anyway: free its memory
