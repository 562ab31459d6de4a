"""A regular expression compiled on its first use, not at import.

``smtp-sim serve`` and the console import some thirty modules that each hold a pattern or
two; compiled at import they cost every start a few milliseconds for patterns a start never
uses. ``lazy(source)`` is written where ``re.compile(source)`` was, and used the same way
(``_PATH.fullmatch(text)``): the first call of any of its methods compiles the pattern and
puts the compiled pattern's bound methods in the object's slots, so every later call is a
plain attribute read, as cheap as on a compiled pattern (a cached function per pattern cost
a call more on every line the engine reads).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, AnyStr, Generic

_METHODS = ("search", "match", "fullmatch", "sub", "split", "findall", "finditer")


class Lazy(Generic[AnyStr]):
    """``re.compile(source, flags)``, done when a method is first called."""

    __slots__ = ("_flags", "_source", *_METHODS)

    _source: AnyStr
    _flags: int
    search: Callable[..., re.Match[AnyStr] | None]
    match: Callable[..., re.Match[AnyStr] | None]
    fullmatch: Callable[..., re.Match[AnyStr] | None]
    sub: Callable[..., AnyStr]
    split: Callable[..., list[Any]]
    findall: Callable[..., list[Any]]
    finditer: Callable[..., Iterator[re.Match[AnyStr]]]

    def __init__(self, source: AnyStr, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Called only while a slot is still empty, so once per object (twice, harmlessly,
        # if two threads race to the first use).
        if name not in _METHODS:
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    @property
    def pattern(self) -> AnyStr:
        """The source, as ``re.Pattern.pattern`` gives it."""
        return self._source


def lazy(source: AnyStr, flags: int = 0) -> Lazy[AnyStr]:
    """A pattern compiled on first use (see the module's docstring)."""
    return Lazy(source, flags)
