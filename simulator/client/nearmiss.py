"""Near misses: ``EHLLO``, ``MIAL``, ``RCTP`` get the strict 500 on the wire, and the
explanation adds ``Did you mean EHLO?`` (an edit distance of 1 to one known verb, or 2 for a
word of five letters or more)."""

from __future__ import annotations

from typing import Final

from simulator.protocol.state import Verb

VERBS: Final = tuple(v.value for v in Verb if v.value.isalpha())
MAX_DISTANCE: Final = 2
SHORT_WORD: Final = 4
"""A word this short may be one edit from a verb: two edits would change half of it, and
``USER`` (POP3), ``RETR`` or ``TEST`` are no typo of ``RSET``, nor ``FOO`` of ``NOOP``."""


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbours (``MIAL`` -> ``MAIL`` is one edit)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def suggest(word: str) -> str | None:
    """The one known verb closest to ``word`` within :data:`MAX_DISTANCE` (1 for a word of
    :data:`SHORT_WORD` letters or fewer), if any."""
    if not word.isascii() or not word.isalpha() or len(word) > 8:
        return None
    upper = word.upper()
    scored = sorted((distance(upper, verb), verb) for verb in VERBS)
    best, verb = scored[0]
    most = 1 if len(upper) <= SHORT_WORD else MAX_DISTANCE
    if best == 0 or best > most or (len(scored) > 1 and scored[1][0] == best):
        return None
    return verb
