"""``smtp-sim report class.jsonl``: after class, the gradebook from what ``serve --log`` wrote.

One row per student (lessons and steps done, first and last time, commands, errors, the most
frequent mistake, messages accepted and discarded), then the class's common mistakes. It reads
only the log, line by line, so it can be run any time later, on a log still being written or
cut short: a line that is not a whole record is skipped and counted, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from typing import BinaryIO, Final

from simulator.files import FileRefused
from simulator.lessons.classroom import say
from simulator.lessons.refusals import say as refusal
from simulator.options.records import ReportOptions
from simulator.protocol.escape import show_typed
from simulator.render.gradebook import collect
from simulator.render.report import report

USAGE_ERROR: Final = 2
LINE_LIMIT: Final = 1024 * 1024
"""Octets of one log line read (serve writes a few hundred); a longer one is skipped."""


def run_report(options: ReportOptions) -> int:
    """Entry point: print the gradebook; 2 when the log cannot be read."""
    lang = options.lang or "en"
    try:
        with _open(options.file) as handle:
            book = collect(records(handle))
    except FileRefused as err:
        print(refusal(err, lang), file=sys.stderr)
        return USAGE_ERROR
    except OSError as err:
        print(say(lang, "report", "cannot-read", path=show_typed(options.file),
                  error=err.strerror or err), file=sys.stderr)
        return USAGE_ERROR
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    sys.stdout.write(report(book, options.format, lang, width))
    return 0


def records(handle: BinaryIO) -> Iterator[object]:
    """Each line's JSON value; None for a line that is not JSON (or is over LINE_LIMIT)."""
    while line := handle.readline(LINE_LIMIT):
        if len(line) == LINE_LIMIT and not line.endswith(b"\n"):
            while (rest := handle.readline(LINE_LIMIT)) and not rest.endswith(b"\n"):
                pass  # the rest of an over-long line
            yield None
            continue
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except (ValueError, RecursionError):
            yield None


def _open(path: str) -> BinaryIO:
    """The log (``-``: standard input): a regular file or a pipe, never a device or a FIFO
    nobody writes to (opened without waiting, then refused by its type)."""
    if path == "-":
        return sys.stdin.buffer
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise FileRefused("not-a-file", path)
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")
