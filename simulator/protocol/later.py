"""What a scenario fails after the 250 (``[later]`` in a scenario file): the data only, so
that the scenario (rules.py) can carry it; :mod:`.dsn` writes the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .patterns import Glob

REPLY_FIELDS: Final = ("path", "local", "domain", "host")
"""The template fields a later failure's catalogue reply may use."""


@dataclass(frozen=True, slots=True)
class LaterFailure:
    """Recipients matching ``address`` are accepted, then fail with the catalogue reply
    ``reply``, given by the host ``remote`` ("" when the accepting server itself gave up)."""

    address: Glob
    reply: str
    remote: str = ""


@dataclass(frozen=True, slots=True)
class Later:
    """What fails after the 250, and the report's words for people per language."""

    failures: tuple[LaterFailure, ...] = ()
    notice: tuple[tuple[str, str], ...] = ()
    """(language, text) pairs: the report's human part, every language one after another
    (as providers that write to readers of several languages do)."""
