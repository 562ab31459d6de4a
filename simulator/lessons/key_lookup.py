"""``smtp-sim explain KEY``: a reply key of the engine's catalogue explained without a
session (``syntax.unknown-command``, ``rcpt.user-unknown``), as the console explains that
reply under it: what it means, why the server sends it, how to fix it.

With no learner input to quote, the placeholders of the key's ``why`` and ``fix`` are filled
with stand-ins in the learner's language (``[explain-key]`` of ``ui.LANG.toml``), and the
reply is shown as the server sends it with its own fields named in capitals
(``<PATH>: Recipient address rejected``). A word that names no key is an error naming the
keys nearest to it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Final

from ..protocol.replies import CATALOGUE
from .annotate import Annotation, annotate_key
from .lookup import ExplainError
from .ui import text

KEY_LIKE: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+",
                             re.IGNORECASE)
"""A word shaped like a reply key (``area.name-of-reply``), not a code (``5.1.1``, ``5xx``)."""
STAND_INS: Final = ("verb", "argument", "line", "state", "limit", "challenge",
                    "challenge_b64", "decoded")
"""The placeholders of ``keys.LANG.toml`` that quote the learner's input or the session."""
NEAR: Final = 5


@dataclass(frozen=True, slots=True)
class KeyExplanation:
    """One reply key explained: the reply as sent, and the console's explanation of it."""

    key: str
    wire: str
    """``550 5.1.1 <PATH>: Recipient address rejected: ...`` (its first line)."""
    annotation: Annotation


def is_key_like(word: str) -> bool:
    return KEY_LIKE.fullmatch(word) is not None


def explain_key(word: str, lang: str) -> KeyExplanation:
    """The explanation of reply key ``word`` (any case); ExplainError naming the nearest
    keys when the catalogue has no such key."""
    key = word.lower()
    spec = CATALOGUE.get(key)
    if spec is None:
        raise ExplainError(unknown_key(word, lang))
    from ..protocol.policy import Policy  # the host a reply names, as the engine's default

    host = Policy().hostname
    fields = {name: text(f"explain-key.{name}", lang) for name in STAND_INS}
    fields.update(host=host, code=str(spec.code))
    named = _Named(host=host, **{name: text(f"explain-key.{name}", "en") for name in STAND_INS})
    first = spec.template.format_map(named).split("\n")[0]
    wire = " ".join(part for part in (str(spec.code), spec.enhanced, first) if part)
    return KeyExplanation(key, wire, annotate_key(key, spec.code, spec.enhanced, fields, lang))


def unknown_key(word: str, lang: str) -> str:
    """What to say for a word that names no reply key: the keys nearest to it."""
    shown = word[:60]
    near = near_keys(word)
    if near:
        return text("explain-key.unknown-near", lang, name=shown, near=", ".join(near))
    return text("explain-key.unknown", lang, name=shown)


def near_keys(word: str) -> list[str]:
    """The catalogue keys spelt most like ``word``; else those of its area (``rcpt.``)."""
    key = word.lower()
    close = difflib.get_close_matches(key, list(CATALOGUE), n=NEAR, cutoff=0.6)
    if close:
        return close
    area = key.split(".", 1)[0] + "."
    return [name for name in CATALOGUE if name.startswith(area)][:NEAR]


class _Named(dict[str, str]):
    """A reply template's fields: the host as the engine names itself, the learner's input
    by the English stand-ins, any other field by its name in capitals (``{path}``: ``PATH``)."""

    def __missing__(self, name: str) -> str:
        return name.upper()
