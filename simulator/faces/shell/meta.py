"""Meta-commands: console commands that start with ``:`` and are never sent to the server.

Parsing is pure (a line in, a :class:`MetaCommand` or :class:`MetaError` out), so the rules
are tested without a terminal. Executing them is the console's job (see ``app.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from simulator.faces.prompt.spec import MetaSpec
from simulator.lessons.load import LANGS

SPECS: Final = (
    MetaSpec("help", ":help [COMMAND]", 0, 1),
    MetaSpec("explain", ":explain CODE...", 1, 8),
    MetaSpec("more", ":more"),
    MetaSpec("state", ":state"),
    MetaSpec("scenario", ":scenario"),
    MetaSpec("mailbox", ":mailbox [N]", 0, 1),
    MetaSpec("reconnect", ":reconnect"),
    MetaSpec("connect", ":connect HOST[:PORT]", 1, 1),
    MetaSpec("pause", ":pause SECONDS", 1, 1),
    MetaSpec("pipeline", ":pipeline"),
    MetaSpec("end", ":end"),
    MetaSpec("lang", ":lang " + "|".join(LANGS), 1, 1, LANGS),
    MetaSpec("eol", ":eol crlf|lf", 1, 1, ("crlf", "lf")),
    MetaSpec("raw", ":raw [on|off]", 0, 1, ("on", "off")),
    MetaSpec("detail", ":detail full|brief|none", 1, 1, ("full", "brief", "none")),
    MetaSpec("save", ":save FILE", 1, 1),
    MetaSpec("save!", ":save! FILE", 1, 1),
    MetaSpec("b64", ":b64 [-d] TEXT", 1, 1),
    MetaSpec("dig", ":dig NAME [TYPE]", 1, 2),
    MetaSpec("dkim", ":dkim sign SELECTOR DOMAIN|tamper|off", 1, 3),
    MetaSpec("quit", ":quit"),
)
"""Every meta-command, in the order :help lists them."""

NAMES: Final = tuple(f":{spec.name}" for spec in SPECS)
_BY_NAME: Final = {spec.name: spec for spec in SPECS}
_ALIASES: Final = {"q": "quit", "exit": "quit", "h": "help", "?": "help"}
KNOWN: Final = NAMES + tuple(f":{alias}" for alias in _ALIASES)
"""Every name the console answers to (highlighted as known while typing)."""


@dataclass(frozen=True, slots=True)
class MetaCommand:
    """A well-formed meta-command: its name and its arguments."""

    name: str
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MetaError:
    """A line that looked like a meta-command but is not one.

    ``spec`` is set when the name is known but the arguments are wrong (show its usage);
    otherwise the name is unknown (list the right ones).
    """

    name: str
    spec: MetaSpec | None = None


def is_meta(line: str) -> bool:
    """Whether the console (not the server) handles ``line`` in command mode."""
    return line.lstrip().startswith(":")


def is_known_meta(line: str) -> bool:
    """Whether ``line`` is a well-formed meta-command (used while in DATA, where other
    lines starting with ``:`` are message text)."""
    return is_meta(line) and isinstance(parse_meta(line), MetaCommand)


def parse_meta(line: str) -> MetaCommand | MetaError:
    """Parse ``:name arg...``; names are case-insensitive, arguments are kept as typed
    (except choices, which are lower-cased)."""
    words = line.strip().removeprefix(":").split()
    if not words:
        return MetaError(":")
    name = words[0].lower()
    name = _ALIASES.get(name, name)
    spec = _BY_NAME.get(name)
    if spec is None:
        return MetaError(":" + words[0])
    args = tuple(words[1:])
    if (spec.name.startswith("save") or spec.name == "b64") and args:
        args = (line.strip().split(None, 1)[1],)  # a file name or a text may hold spaces
    if not spec.min_args <= len(args) <= spec.max_args:
        return MetaError(":" + name, spec)
    if spec.choices:
        args = tuple(arg.lower() for arg in args)
        if any(arg not in spec.choices for arg in args):
            return MetaError(":" + name, spec)
    return MetaCommand(name, args)
