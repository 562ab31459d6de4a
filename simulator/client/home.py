"""The user's data directory, shared by every face that keeps something between runs.

``platformdirs.user_data_dir("smtp-sim")``, or ``SMTP_SIM_HOME`` when set (tests and portable
setups). Writes are atomic: a temporary file of the writer's own in the same directory,
flushed to disk, then renamed over the old one, so a crash never leaves half a file. Two
processes may share a file (two ``smtp-sim learn`` at once): :func:`update_json` re-reads,
changes and replaces it under a lock, so neither loses what the other wrote. Every read goes
through the bounded reader (a FIFO, /dev/zero or a deeply nested file is never a hang, a
memory blow-up or a traceback).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from simulator.files import read_json

HOME_VARIABLE: Final = "SMTP_SIM_HOME"
SETTINGS_FILE: Final = "settings.json"
MAX_STATE_FILE: Final = 4 * 1024 * 1024
"""The largest settings or progress file read, in octets (a whole course's progress is a few
kilobytes)."""
MAX_HISTORY_FILE: Final = 16 * 1024 * 1024
"""The largest prompt history read back (years of typing are a megabyte)."""
LOCK_SECONDS: Final = 5.0
"""How long to wait for another process's write (each takes milliseconds) before giving up."""


def data_dir() -> Path:
    """The data directory (not created here)."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("smtp-sim", appauthor=False))


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once; raises OSError when it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with open(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of ``path`` (``flock`` on ``PATH.lock`` beside it) for the ``with``.

    Waits at most LOCK_SECONDS for another process; then raises OSError (EWOULDBLOCK)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    try:
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OSError(errno.EWOULDBLOCK, "another smtp-sim holds the lock",
                                  str(lock)) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(descriptor)  # (which releases the lock)


def read_state(path: Path) -> Any:
    """A JSON file of the data directory, parsed; OSError when there is none or it cannot be
    opened, ValueError when it is not JSON (or not a small regular file: FileRefused)."""
    return read_json(path, MAX_STATE_FILE)


def update_json(path: Path, change: Callable[[Any], Any]) -> None:
    """Re-read ``path``, change it and replace it, all under its lock: ``change`` gets the
    parsed file (None when there is none or it is not usable JSON) and returns the new
    document. Raises OSError when it cannot be written."""
    with locked(path):
        try:
            current = read_state(path)
        except (OSError, ValueError):
            current = None
        write_atomically(path, json.dumps(change(current), indent=2, ensure_ascii=False))


def history_file(path: Path) -> Path:
    """``path`` for a prompt history (prompt_toolkit reads it whole, line by line): absent,
    or a regular file of at most MAX_HISTORY_FILE octets; OSError otherwise (a FIFO would
    hang the prompt, /dev/zero fill the memory), and the prompt keeps its history in memory."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return path
    if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_HISTORY_FILE:
        raise OSError(errno.EINVAL, "not a usable history file", str(path))
    return path


def saved_lang(langs: tuple[str, ...]) -> str | None:
    """The language the console saved (``:lang``), if any and known."""
    try:
        raw = read_state(data_dir() / SETTINGS_FILE)
    except (OSError, ValueError):
        return None
    lang = raw.get("lang") if isinstance(raw, dict) else None
    return lang if lang in langs else None
