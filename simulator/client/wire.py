"""Reading SMTP replies off a byte stream, and following the session from the client's side.

With ``--connect`` there is no Exchange feed: a face sees only what a TCP client sees.
:class:`ReplyParser` cuts the byte stream into replies (RFC 5321 §4.2: ``NNN-text`` lines
continue a reply, the ``NNN text`` line ends it) and :class:`ClientView` guesses the session
state from the commands sent and the codes received, for the toolbar.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Final

from simulator.protocol.lazyre import lazy
from simulator.protocol.state import State

MAX_REPLY_BUFFER: Final = 64 * 1024
"""A line this long without LF is not SMTP: cut it so a bad server cannot fill memory."""


_LINE: Final = lazy(rb"([2-5][0-9][0-9])([ -]|$)(.*)", re.DOTALL)
_ENHANCED: Final = lazy(r"([245]\.[0-9]{1,3}\.[0-9]{1,3})(?: |$)")


@dataclass(frozen=True, slots=True)
class WireReply:
    """One complete reply as received: its exact bytes, code, enhanced code and text lines.

    ``code`` is 0 when the bytes were not an SMTP reply at all (shown, never explained).
    """

    raw: bytes
    code: int
    enhanced: str | None
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _split_line(line: bytes) -> tuple[int, bool, str] | None:
    """(code, is_last, text) of one reply line without its line ending, or None."""
    match = _LINE.fullmatch(line)
    if match is None:
        return None
    text = match.group(3).decode("utf-8", errors="replace")
    return int(match.group(1)), match.group(2) != b"-", text


def _strip_enhanced(code: int, texts: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """RFC 2034 §4: an enhanced code whose class matches the reply's first digit."""
    match = _ENHANCED.match(texts[0]) if texts else None
    if match is None or match.group(1)[0] != str(code)[0]:
        return None, tuple(texts)
    enhanced = match.group(1)
    prefix = re.compile(re.escape(enhanced) + "(?: |$)")
    return enhanced, tuple(prefix.sub("", text, count=1) for text in texts)


MAX_REPLY_LINES: Final = 200
"""Lines of one multi-line reply kept; a server that sends more is not talking SMTP sense."""
MAX_REPLY_OCTETS: Final = 64 * 1024
"""Octets of one reply kept (RFC 5321 §4.5.3.1.5 allows 512 per line)."""


class ReplyTooLong(Exception):
    """One reply passed :data:`MAX_REPLY_LINES` or :data:`MAX_REPLY_OCTETS`; ``head`` holds
    its first lines, for the screen."""

    def __init__(self, head: bytes) -> None:
        super().__init__("reply too long")
        self.head = head


class ReplyParser:
    """Bytes in, complete :class:`WireReply` objects out (sans-IO, like the engine). One
    reply is bounded: past the caps, :meth:`next_reply` raises :class:`ReplyTooLong`."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._pending: list[bytes] = []
        self._texts: list[str] = []
        self._code = 0
        self._octets = 0

    def feed(self, data: bytes) -> None:
        self._buffer += data

    @property
    def partial(self) -> bool:
        """Whether bytes of an unfinished reply are waiting."""
        return bool(self._buffer or self._pending)

    def next_reply(self) -> WireReply | None:
        """The next complete reply, or None until more bytes arrive."""
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) <= MAX_REPLY_BUFFER:
                    return None
                end = len(self._buffer) - 1
            raw = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            reply = self._take_line(raw)
            if reply is not None:
                return reply

    def _take_line(self, raw: bytes) -> WireReply | None:
        parsed = _split_line(raw.removesuffix(b"\n").removesuffix(b"\r"))
        if parsed is None or (self._pending and parsed[0] != self._code):
            garbage = b"".join(self._pending) + raw
            self._pending, self._texts = [], []
            return WireReply(garbage, 0, None, (garbage.decode("utf-8", "replace"),))
        code, is_last, text = parsed
        self._code = code
        self._pending.append(raw)
        self._texts.append(text)
        self._octets += len(raw)
        if len(self._pending) > MAX_REPLY_LINES or self._octets > MAX_REPLY_OCTETS:
            head = b"".join(self._pending[:5])
            self._pending, self._texts, self._octets = [], [], 0
            raise ReplyTooLong(head)
        if not is_last:
            return None
        enhanced, lines = _strip_enhanced(code, self._texts)
        reply = WireReply(b"".join(self._pending), code, enhanced, lines)
        self._pending, self._texts, self._octets = [], [], 0
        return reply


_PATH: Final = lazy(r"<([^>]*)>")


@dataclass(slots=True)
class ClientView:
    """The session as a client can tell it: from the commands sent and the codes received.

    Used for the toolbar and for knowing when the learner is typing message text, when the
    console talks to a real server (with the built-in server the Session itself is read).
    """

    state: State = State.CONNECTED
    sender: str | None = None
    recipients: int = 0
    accepted: int = 0
    helo: str | None = None
    user: str | None = None
    """Who logged in with AUTH: the name decoded from what was sent ("" if unknown)."""
    tls_due: bool = False
    """STARTTLS was answered 220: the connection must do its handshake now."""
    starttls_helo: str | None = None
    """The EHLO name given before the last STARTTLS (to say it again on a new connection)."""
    _waiting: list[bytes] = field(default_factory=list)
    _auth: list[bytes] | None = None

    def sent(self, data: bytes) -> None:
        """Note a line sent (one line per call, with its line ending)."""
        if self.state is State.DATA:
            if data.rstrip(b"\r\n") == b".":
                self._waiting.append(b".")
            return
        self._waiting.append(data.strip())

    def expects_reply(self, data: bytes) -> bool:
        """Whether ``data`` should be answered: any command line, or the final dot."""
        if self.state is State.CLOSED:
            return False
        return self.state is not State.DATA or data == b".\r\n"

    def received(self, code: int) -> str:
        """Note a reply; it answers the oldest command still waiting (RFC 2920 order).
        Returns that command's verb (``MAIL``, ``DOT`` for the final dot; empty for the
        greeting)."""
        line = self._waiting.pop(0) if self._waiting else b""
        verb = line.split(b" ", 1)[0].split(b":", 1)[0].upper().decode("ascii", "replace")
        if code in (221, 421) or (code == 554 and not line):
            self.state = State.CLOSED
        else:
            self._advance(line, code)
        return "DOT" if verb == "." else verb

    def _advance(self, line: bytes, code: int) -> None:
        verb = line.split(b" ", 1)[0].split(b":", 1)[0].upper()
        ok = 200 <= code < 300
        if self._auth is not None or verb == b"AUTH":
            self._auth_step(line, code)
        elif verb == b"STARTTLS" and code == 220:  # RFC 3207 §4.2: the session starts over
            self.tls_due, self.starttls_helo, self.helo = True, self.helo, None
            self._reset(State.CONNECTED)
        elif verb == b"." and self.state is State.DATA:
            if ok:
                self.accepted += 1
            self._reset(State.GREETED)
        elif verb in (b"HELO", b"EHLO") and ok:
            self.helo = line[5:].decode("utf-8", "replace").strip()
            self._reset(State.GREETED)
        elif verb == b"RSET" and ok:
            self._reset(State.GREETED if self.helo else State.CONNECTED)
        elif verb == b"MAIL" and ok:
            found = _PATH.search(line.decode("utf-8", "replace"))
            self.sender = found.group(1) if found else ""
            self.state = State.MAIL
        elif verb == b"RCPT" and code in (250, 251):
            self.recipients += 1
            self.state = State.RCPT
        elif verb == b"DATA" and code == 354:
            self.state = State.DATA

    def _auth_step(self, line: bytes, code: int) -> None:
        """Follow the 334 dialogue: a line answering a 334 is not a command."""
        lines = [*(self._auth or []), line]
        self._auth = lines if code == 334 else None
        if code == 235:
            self.user = login_name(lines)

    def _reset(self, state: State) -> None:
        self.state = state
        self.sender = None
        self.recipients = 0


def login_name(lines: list[bytes]) -> str:
    """The user name in an AUTH PLAIN or LOGIN exchange (``AUTH`` line first), or ""."""
    words = lines[0].split()
    mechanism = words[1].upper() if len(words) > 1 else b""
    sent = words[2:3] + lines[1:2]
    try:
        data = base64.b64decode(sent[0], validate=True) if sent else b""
    except (binascii.Error, ValueError):
        return ""
    if mechanism == b"PLAIN":
        parts = data.split(b"\0")
        data = parts[1] if len(parts) == 3 else b""
    return data.decode("utf-8", "replace") if mechanism in (b"PLAIN", b"LOGIN") else ""
