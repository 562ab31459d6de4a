"""What a rubric is: the server to grade against, the message the program is asked to send,
and the items with their points (rubric.py reads them from a file, judge.py judges them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from simulator.protocol import Policy

from ..course.model import Check, Setup
from ..course.setup import LESSON_SEED, policy_for
from ..scenarios import load_scenario


@dataclass(frozen=True, slots=True)
class Item:
    """One graded item: a built-in one by its id, or a custom one with its check."""

    id: str
    points: int
    required: bool = True
    seen: Check | None = None
    """Custom: passed when some exchange holds this check."""
    not_seen: Check | None = None
    """Custom: failed when some exchange holds this check."""
    texts: Mapping[str, Mapping[str, str]] | None = None
    """Custom: ``title`` and ``fix`` per language."""


@dataclass(frozen=True, slots=True)
class Message:
    """What the program is asked to send (handed to it as SMTP_FROM, SMTP_TO, SMTP_MESSAGE)."""

    sender: str = "alice@example.org"
    recipients: tuple[str, ...] = ("bob@example.com",)
    lines: tuple[str, ...] = ("Subject: Hello", "", "Hello.")


@dataclass(frozen=True, slots=True)
class Rubric:
    name: str
    setup: Setup
    message: Message
    items: tuple[Item, ...]
    titles: Mapping[str, str]
    scenario: Path | None = None
    """A scenario file (``scenario``, beside the rubric) played instead of the setup's
    built-in one: the server's own rules for this rubric (robust's 421 midway)."""

    @property
    def max_points(self) -> int:
        return sum(item.points for item in self.items)


def server_policy(rubric: Rubric) -> Policy:
    """The engine's policy for the rubric: its setup, with its own scenario file if any
    (the setup's greylisting delay still applies)."""
    policy = policy_for(rubric.setup)
    if rubric.scenario is None:
        return policy
    scenario = load_scenario(str(rubric.scenario), overrides={
        "greylist_delay": rubric.setup.greylist_delay, "seed": LESSON_SEED})
    return dataclasses.replace(policy, scenario=scenario)
