"""Where accepted messages go: a list in memory, or a real Maildir on disk.

The server hands every message the engine accepted to a :class:`Store` *before* it sends the
250 for it, so a 250 always means the message is kept (RFC 5321 §6.1: once the server has
said 250 it is responsible for the message). A message whose session breaks before the final
dot never reaches the store: the engine only produces a message at the dot.

:class:`MaildirStore` writes through the standard library's :mod:`mailbox` (which writes into
``tmp/``, fsyncs the file, then links it into ``new/``) and then fsyncs ``new/`` itself, so
the file's name survives a crash too. The envelope, which is not part of the message text, is
kept in leading header lines (``Return-Path:`` as a final delivery agent adds it, RFC 5321
§4.4, then ``X-Envelope-To:`` and ``X-Smtp-Sim-Envelope:``); :meth:`MaildirStore.messages`
strips them again, so a message read back equals the message delivered. Files use LF line
ends on disk, as mail clients such as mutt expect, and CRLF again when read back.
"""

from __future__ import annotations

import errno
import os
import threading
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

from simulator.protocol import Envelope, ReceivedMessage
from simulator.protocol.lazyre import lazy

if TYPE_CHECKING:
    import mailbox

RETURN_PATH: Final = b"Return-Path: "
ENVELOPE_TO: Final = b"X-Envelope-To: "
ENVELOPE_EXTRA: Final = b"X-Smtp-Sim-Envelope: "
_SUBDIRS: Final = ("tmp", "new", "cur")
_CLASH_RETRIES: Final = 5


_MAILDIR_NAME: Final = lazy(r"^(\d+)\.M(\d+)P\d+Q(\d+)\.")


_NOT_OURS: Final = (float("inf"), 0.0, 0.0)
MEMORY_LIMIT: Final = 256 * 1024 * 1024
"""Octets of message content the memory store keeps at most (``serve --memory-limit``)."""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as the store keeps it: the store's key and the message with its envelope."""

    key: str
    """The Maildir file name (its ``mailbox`` key), or a counter for the memory store."""
    message: ReceivedMessage


class Store(Protocol):
    """What the server needs from a message store."""

    blocking: bool
    """True when :meth:`deliver` does disk I/O, so the server runs it in a worker thread."""

    def deliver(self, message: ReceivedMessage) -> str:
        """Keep ``message`` for good; return its key. Raises OSError when it cannot."""
        ...

    def where(self, key: str) -> str:
        """Where the message kept under ``key`` is, as a person would look for it (the
        server puts it on the Exchange that carries the message's 250)."""
        ...

    def messages(self) -> list[StoredMessage]:
        """Every kept message, oldest first (for the console's mailbox view)."""
        ...


@dataclass(frozen=True, slots=True)
class Usage:
    """How full a store is: messages kept, octets of their content, and the cap if any."""

    messages: int
    octets: int
    limit: int | None

    @property
    def share(self) -> float | None:
        """``octets`` as a share of ``limit`` (0.0 to 1.0), or None without a limit."""
        return None if not self.limit else self.octets / self.limit


class MemoryFull(OSError):
    """The memory store has no room for a message: ENOSPC, ``kept`` of ``limit`` octets in
    use. The server layer builds no sentence for it: serve says it from ``[options]``
    (``memory-store-full``), naming the option that raises the limit."""

    def __init__(self, kept: int, limit: int) -> None:
        super().__init__(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.kept, self.limit = kept, limit


class MemoryStore:
    """The default store: messages live in a list for as long as the process runs.

    Bounded: at most ``limit`` octets of message content (None: no bound). A message that
    does not fit is refused with ENOSPC, so its client reads 452 4.3.1 and may try again
    later; nothing already kept is ever dropped to make room.
    """

    blocking: bool = False

    def __init__(self, limit: int | None = MEMORY_LIMIT) -> None:
        self._messages: list[StoredMessage] = []
        self._lock = threading.Lock()
        self.limit = limit
        self._octets = 0

    def deliver(self, message: ReceivedMessage) -> str:
        size = len(message.content)
        with self._lock:
            if self.limit is not None and self._octets + size > self.limit:
                raise MemoryFull(self._octets, self.limit)
            key = str(len(self._messages) + 1)
            self._messages.append(StoredMessage(key, message))
            self._octets += size
        return key

    def where(self, key: str) -> str:
        """``memory #N``: the N-th message kept (what ``:mailbox`` numbers it)."""
        return f"memory #{key}"

    def usage(self) -> Usage:
        """How full the store is (for ``:mailbox`` and the instructor's screens)."""
        with self._lock:
            return Usage(len(self._messages), self._octets, self.limit)

    def messages(self) -> list[StoredMessage]:
        with self._lock:
            return list(self._messages)

    def __len__(self) -> int:
        return len(self._messages)


class MaildirStore:
    """Each message is one file in a Maildir, on disk and fsynced before deliver() returns."""

    blocking: bool = True

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open the Maildir at ``path``, creating it (or filling an empty directory).

        Raises OSError for a path that is a file, or a directory with other things in it
        but no Maildir: smtp-sim will not scatter cur/new/tmp into someone's home directory.
        """
        import mailbox  # here, not at the top: a server keeping mail in memory never needs it

        self.path = os.fspath(path)
        _prepare_maildir(self.path)
        self._maildir: mailbox.Maildir = mailbox.Maildir(self.path, factory=None, create=False)
        self._clash: type[Exception] = mailbox.ExternalClashError
        self._new_dir = os.path.join(self.path, "new")

    def deliver(self, message: ReceivedMessage) -> str:
        """Write ``message`` into ``new/`` and fsync the file and the directory."""
        data = envelope_headers(message) + message.content.replace(b"\r\n", b"\n")
        key = self._add(data)
        _fsync_directory(self._new_dir)
        return key

    def where(self, key: str) -> str:
        """The file under ``new/`` that holds the message kept under ``key``."""
        return os.path.join(self._new_dir, key)

    def _add(self, data: bytes) -> str:
        # mailbox names files time.pid.counter.host; two threads can collide within one
        # microsecond, which mailbox reports as a clash: pick a new name and try again.
        for _ in range(_CLASH_RETRIES):
            try:
                return self._maildir.add(data)
            except self._clash:
                continue
        raise OSError(f"could not find a free file name in {self.path}")

    def messages(self) -> list[StoredMessage]:
        keys = sorted(self._maildir.keys(), key=_delivery_order)
        out: list[StoredMessage] = []
        for key in keys:
            try:
                data = self._maildir.get_bytes(key)
            except KeyError:  # a mail client moved or deleted it meanwhile
                continue
            out.append(StoredMessage(key, parse_stored(data)))
        return out

    def __len__(self) -> int:
        return len(self._maildir)


def envelope_headers(message: ReceivedMessage) -> bytes:
    """The header lines that carry ``message``'s envelope in its Maildir file (LF ends)."""
    env = message.envelope
    lines = [RETURN_PATH + f"<{env.sender}>".encode()]
    lines += [ENVELOPE_TO + f"<{rcpt}>".encode() for rcpt in env.recipients]
    fields = {"queue-id": message.queue_id, "helo": env.helo, "peer": env.peer,
              "smtputf8": "yes" if env.smtputf8 else "no", "body": env.body or ""}
    extra = "; ".join(f"{name}={urllib.parse.quote(value, safe='')}"
                      for name, value in fields.items())
    lines.append(ENVELOPE_EXTRA + extra.encode("ascii"))
    return b"\n".join(lines) + b"\n"


def parse_stored(data: bytes) -> ReceivedMessage:
    """Read a Maildir file back: strip the envelope lines, restore CRLF line ends.

    A file another program put there (without our lines) gets an empty envelope, with the
    sender from its Return-Path if it has one.
    """
    sender, recipients = "", []
    fields: dict[str, str] = {}
    lines = data.split(b"\n")
    taken = 0
    for line in lines:
        if line.startswith(RETURN_PATH):
            sender = _unbracket(line[len(RETURN_PATH):])
        elif line.startswith(ENVELOPE_TO):
            recipients.append(_unbracket(line[len(ENVELOPE_TO):]))
        elif line.startswith(ENVELOPE_EXTRA):
            fields = _parse_fields(line[len(ENVELOPE_EXTRA):])
        else:
            break
        taken += 1
    content = b"\r\n".join(lines[taken:])
    envelope = Envelope(sender, tuple(recipients), fields.get("helo", ""),
                        fields.get("peer", ""), smtputf8=fields.get("smtputf8") == "yes",
                        body=fields.get("body") or None)
    return ReceivedMessage(fields.get("queue-id", ""), envelope, content)


def _unbracket(value: bytes) -> str:
    text = value.decode("utf-8", errors="replace").strip()
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


def _parse_fields(value: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in value.decode("ascii", errors="replace").split(";"):
        name, _, encoded = item.strip().partition("=")
        fields[name] = urllib.parse.unquote(encoded)
    return fields


def _delivery_order(key: str) -> tuple[float, float, float, str]:
    """Sort key: delivery time and counter from mailbox's file name; foreign names last."""
    found = _MAILDIR_NAME.match(key)
    numbers = _NOT_OURS if found is None else tuple(float(n) for n in found.groups())
    return (numbers[0], numbers[1], numbers[2], key)


def _prepare_maildir(path: str) -> None:
    subdirs = [os.path.join(path, name) for name in _SUBDIRS]
    if os.path.isdir(path) and os.listdir(path) and not all(map(os.path.isdir, subdirs)):
        raise NotADirectoryError(f"{path} is neither empty nor a Maildir (no cur, new, tmp)")
    os.makedirs(path, mode=0o700, exist_ok=True)
    for subdir in subdirs:
        os.makedirs(subdir, mode=0o700, exist_ok=True)


def _fsync_directory(path: str) -> None:
    """Make a new directory entry durable (a file's fsync does not cover its name)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
