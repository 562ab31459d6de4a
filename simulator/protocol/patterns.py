"""The patterns of a teacher's rule file, compiled once when the file is read and matched in
time linear in what the client sent.

One teacher's pattern is matched against every student's command on a server they all
share, so no pattern may take more than a moment: Python's ``re`` backtracks, and
``<(\\w+\\.?)+@school\\.example>`` against a 29-letter address took it 38 s while every other
client waited. Regular expressions therefore run on RE2 (google-re2), whose automata never
backtrack (time linear in the input, memory bounded by ``max_mem``); what RE2 cannot do in
linear time (backreferences, lookaround) it refuses to compile, and the rule file is refused
with it. Globs need no regular expression at all: a ``*``-only glob is matched by greedy
leftmost search of its literal pieces, which is exact for ``*`` (a later piece only gains
room when an earlier one is found further left), and one with ``?`` goes to RE2.
Message texts are searched for all at once with one RE2 set: one pass over the message
however many texts the rules name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, cast

import re2  # type: ignore[import-untyped]

MAX_PATTERN: Final = 512
"""Characters in one glob, regular expression or message text: no command line is longer
(at most 512 octets, RFC 5321 §4.5.3.1.4), so a longer pattern could match nothing more."""
REGEX_MEMORY: Final = 1 << 20
"""Octets RE2 may use for one compiled expression; a larger one is refused at load."""
TEXT_SET_MEMORY: Final = 8 << 20
"""Octets RE2 may use for the set of message texts of one scenario."""
UNSUPPORTED: Final = ("invalid perl operator", "invalid escape sequence: \\", "invalid named "
                      "capture group")
"""RE2's words for the constructs only a backtracking engine runs: lookaround ``(?=``,
``(?<!``, backreferences ``\\1``, ``(?P=name)``."""
TOO_LARGE: Final = ("pattern too large", "invalid repetition size", "bad repetition operator")
STEP_COST: Final = 40
"""The cost (see :attr:`Regex.cost`) of one RE2 instruction, against one glob piece's 1.
Linear time is not yet short time: an expression RE2's DFA cannot hold in ``max_mem``, such
as ``(.*){1000}z`` (9,005 instructions), runs on its NFA, whose work is the argument's length
times the program's size: 18 ms for 500 octets, measured, where a glob piece costs about
0.1 µs. With this weight one unit is at most about 0.1 µs of a 512-octet match."""


class PatternError(ValueError):
    """A pattern the linear engine will not take. ``reason`` is ``unsupported`` (lookaround,
    backreferences), ``too-large`` (over RE2's size limits), ``too-long`` or ``syntax``;
    ``detail`` is RE2's own words."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class _Compiled(Protocol):
    def search(self, text: str | bytes) -> object: ...

    def fullmatch(self, text: str | bytes) -> object: ...


def _options(*, case_sensitive: bool, max_mem: int = REGEX_MEMORY) -> Any:
    options = re2.Options()
    options.log_errors = False  # the file's problem is reported to the teacher, not logged
    options.case_sensitive = case_sensitive
    options.dot_nl = True
    options.max_mem = max_mem
    return options


def _compile(pattern: str, *, case_sensitive: bool) -> _Compiled:
    try:
        return cast(_Compiled, re2.compile(pattern, _options(case_sensitive=case_sensitive)))
    except re2.error as err:
        raise _classified(err) from None


def _classified(err: Exception) -> PatternError:
    raw = err.args[0] if err.args else ""
    detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if any(detail.startswith(words) for words in UNSUPPORTED):
        return PatternError("unsupported", detail)
    if any(detail.startswith(words) for words in TOO_LARGE):
        return PatternError("too-large", detail)
    return PatternError("syntax", detail)


def fold(text: str) -> str:
    """Text as globs compare it: Unicode case folding (``casefold``), so ``Ann``, ``ANN``
    and ``ann`` are one address."""
    return text.casefold()


@dataclass(frozen=True, slots=True)
class Regex:
    """A rule file's regular expression (``match.argument``), case-insensitive, searched."""

    pattern: str
    compiled: _Compiled = field(compare=False, repr=False)
    """RE2's automaton (two Regex of the same pattern are equal)."""

    @classmethod
    def compile(cls, pattern: str) -> Regex:
        """Raises PatternError for a pattern RE2 refuses (see the module docstring)."""
        if len(pattern) > MAX_PATTERN:
            raise PatternError("too-long", str(len(pattern)))
        return cls(pattern, _compile(pattern, case_sensitive=False))

    @property
    def cost(self) -> int:
        """The most work one search of a command's argument may take, in units of about
        0.1 µs: the program's size times :data:`STEP_COST` (the scenario checker bounds
        the sum over a file, so no command waits long whatever it sends)."""
        return STEP_COST * int(self.compiled.programsize)  # type: ignore[attr-defined]

    def search(self, text: str) -> bool:
        return self.compiled.search(text) is not None


@dataclass(frozen=True, slots=True)
class Glob:
    """A rule file's glob: ``*`` any text, ``?`` one character, everything else literal (so
    ``*[SPAM]*`` means the text [SPAM]); compared after case folding; the whole value must
    match."""

    text: str
    pieces: tuple[str, ...]
    """The folded glob split at each ``*``."""
    wild: _Compiled | None = field(compare=False, repr=False)
    """RE2's automaton when the glob has a ``?`` (else the pieces are enough)."""
    domain: str | None
    """The folded text after the glob's last ``@`` when it has no wildcard: then only an
    address of exactly this domain can match (the rules' index is built on it)."""
    local: str | None
    """The folded text before the glob's first ``@`` when it has no wildcard: then only an
    address with exactly this local part can match."""

    @classmethod
    def compile(cls, text: str) -> Glob:
        """Raises PatternError (``too-long``) for a glob over :data:`MAX_PATTERN`."""
        if len(text) > MAX_PATTERN:
            raise PatternError("too-long", str(len(text)))
        folded = fold(text)
        wild = None
        if "?" in folded:
            parts = (".*" if c == "*" else "." if c == "?" else re2.escape(c) for c in folded)
            wild = _compile("".join(parts), case_sensitive=True)
        _, at, tail = folded.rpartition("@")
        head = folded.partition("@")[0]
        return cls(text, tuple(folded.split("*")), wild, _literal(tail) if at else None,
                   _literal(head) if at else None)

    @property
    def index_key(self) -> str | None:
        """What the rules' index files this glob under: ``@domain`` when the domain is
        literal, else ``local@`` when the local part is, else None (asked always)."""
        if self.domain is not None:
            return f"@{self.domain}"
        return None if self.local is None else f"{self.local}@"

    @property
    def cost(self) -> int:
        """The most work one match against a 512-octet value may take (see Regex.cost):
        RE2's program for a glob with ``?``, else one unit per piece and one to fold."""
        if self.wild is not None:
            return STEP_COST * int(self.wild.programsize)  # type: ignore[attr-defined]
        return len(self.pieces) + 1

    def matches(self, value: str) -> bool:
        folded = fold(value)
        if self.wild is not None:
            return self.wild.fullmatch(folded) is not None
        return _pieces_match(self.pieces, folded)


def _literal(text: str) -> str | None:
    return None if "*" in text or "?" in text else text


def index_keys(address: str) -> tuple[str, str]:
    """The index keys a glob that matches ``address`` may have (see Glob.index_key)."""
    folded = fold(address)
    return f"@{folded.rpartition('@')[2]}", f"{folded.partition('@')[0]}@"


def _pieces_match(pieces: tuple[str, ...], value: str) -> bool:
    """``*``-separated literal pieces: the first begins the value, the last ends it, and
    each middle one is found, leftmost, after the one before."""
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1:
        return value == first
    end = len(value) - len(last)
    if end < len(first) or not value.startswith(first) or not value.endswith(last):
        return False
    at = len(first)
    for piece in pieces[1:-1]:
        found = value.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def any_matches(globs: Iterable[Glob], values: Iterable[str]) -> bool:
    """True when some glob matches some value."""
    values = tuple(values)
    return any(glob.matches(value) for glob in globs for value in values)


class TextSearch:
    """Which of a scenario's message texts (``match.body``) occur in a message: one pass of
    an RE2 set over the message, however many texts there are."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts: tuple[str, ...] = tuple(dict.fromkeys(texts))
        self._set: object | None = None
        if self.texts:
            options = _options(case_sensitive=True, max_mem=TEXT_SET_MEMORY)
            options.encoding = re2.Options.Encoding.LATIN1  # octets, as the message is
            found = re2.Set.SearchSet(options)
            for text in self.texts:
                found.Add(re2.escape(text.encode()))
            found.Compile()
            self._set = found

    def found_in(self, message: bytes) -> frozenset[str]:
        if self._set is None:
            return frozenset()
        indices = cast(list[int] | None, self._set.Match(message)) or []  # type: ignore[attr-defined]
        return frozenset(self.texts[i] for i in indices)


def globs(*texts: str) -> tuple[Glob, ...]:
    """Globs compiled from ``texts`` (for rules built in code rather than read from a file)."""
    return tuple(Glob.compile(text) for text in texts)
