"""What the server tells its operator while it runs: warnings, each naming its UI text.

The server warns through the standard :mod:`logging` module, on loggers under
``simulator`` (a library user's logging setup sees the English message). A record may
carry a :class:`Notice` (``log.warning(..., extra=notice(KEY, **fields))``): the UI text
(``lessons/ui.*.toml``, table ``[serve]``) the operator's screen shows for it, in the
operator's language. Who shows it, and where: ``simulator/faces/serve/notices.py``, the one sink
``serve`` installs (stderr, or the dashboard's status line while the dashboard runs).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

NOTICE: Final = "notice"
"""The attribute of a log record that holds its :class:`Notice`."""
OTHER: Final = "serve.warn-other"
"""The UI text of a record that names none: its own message, as logged."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One warning for the operator: a UI text key and the values of its placeholders."""

    key: str
    fields: Mapping[str, object] = field(default_factory=dict)


def notice(key: str, **fields: object) -> dict[str, object]:
    """The ``extra=`` of a log call whose record the operator sees as UI text ``key``."""
    return {NOTICE: Notice(key, fields)}


def notice_of(record: logging.LogRecord) -> Notice:
    """The Notice a record carries, or one that shows its message as it was logged."""
    found = getattr(record, NOTICE, None)
    if isinstance(found, Notice):
        return found
    lines = record.getMessage().splitlines()  # a status line has room for one
    return Notice(OTHER, {"message": lines[0] if lines else ""})
