"""The shape of one option's value, checked where argparse reads it (``type=``): a count, a
port, seconds, a host name. A value of the wrong shape is refused with argparse's usage and
a sentence of ``lessons/ui.LANG.toml`` in the user's language (``render.helptext.speak``
hands each of :data:`SAID_IN_LANG` the language); what options mean together is the face's
to check (cli/args.py says where each kind of check goes).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ..lessons.load import LANGS
from ..lessons.ui import text
from ..render.helptext import in_lang


def whole_number(value: str, lang: str = LANGS[0]) -> int:
    """A count of 0 or more (0 switches the limit off)."""
    if not value.strip().isdigit():
        raise argparse.ArgumentTypeError(_limit_words("limits.bad-count", value, lang))
    return int(value)


def error_seconds(value: str, lang: str = LANGS[0]) -> float:
    """Seconds from 0 to 60: an error reply waiting longer would only hold a connection."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 60:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(_limit_words("limits.bad-seconds", value, lang))
    return seconds


def _limit_words(key: str, value: str, lang: str) -> str:
    return text(key, lang, value=value[:40])


@dataclass(frozen=True, slots=True)
class Number:
    """A number as argparse reads it (``int`` or ``float``, refused in argparse's own words
    when it is none), then refused with the sentence ``key`` when ``fits`` says no;
    ``option`` names it in a sentence said of several options."""

    read: Callable[[str], float]
    fits: Callable[[float], bool]
    key: str
    option: str = ""

    def __call__(self, value: str, lang: str = LANGS[0]) -> float:
        try:
            number = self.read(value)
        except ValueError:
            kind = "int" if self.read is int else "float"
            raise argparse.ArgumentTypeError(
                in_lang(f"invalid {kind} value: {value!r}", lang)) from None
        if not self.fits(number):  # nan fits no comparison: refused
            raise argparse.ArgumentTypeError(text(self.key, lang, port=number,
                                                  option=self.option))
        return number


PORT: Final = Number(int, lambda port: 0 <= port <= 65535, "serve.bad-port")
"""A TCP port; 0 asks the system for a free one."""
TLS_PORT: Final = Number(int, lambda port: 0 <= port <= 65535, "options.bad-tls-port")
MAX_CLIENTS: Final = Number(int, lambda count: count >= 1, "serve.bad-max-clients")
MEMORY_LIMIT: Final = Number(int, lambda mib: mib >= 1, "serve.bad-memory-limit")
MAX_SIZE: Final = Number(int, lambda octets: octets >= 1, "serve.bad-max-size")


def seconds(option: str) -> Number:
    """A timeout of ``option``: more than 0 seconds."""
    return Number(float, lambda given: given > 0, "serve.bad-seconds", option)


TIMEOUTS: Final = {option: seconds(option) for option in (
    "--timeout", "--data-block-timeout", "--data-timeout")}


def hostname(value: str, lang: str = LANGS[0]) -> str:
    """What the server calls itself in its greeting and replies: a domain's characters."""
    # the server's own rule, imported only when --hostname is given (the server's package
    # brings trio, which no other command line pays for)
    from ..server.addresses import valid_hostname

    if not valid_hostname(value):
        raise argparse.ArgumentTypeError(text("serve.bad-hostname", lang))
    return value


SAID_IN_LANG: Final[tuple[Callable[..., object], ...]] = (
    whole_number, error_seconds, PORT, TLS_PORT, MAX_CLIENTS, MEMORY_LIMIT, MAX_SIZE,
    *TIMEOUTS.values(), hostname)
"""Option types whose refusal is our own sentence: ``speak`` gives them the language."""
