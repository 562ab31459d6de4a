"""The rules asked at one event, filed by the literal part of their address globs, so a
command with 10,000 rules meets only those that may match (issue 18).

The index knows a rule only by the address globs handed in with it (``globs``), not the
rule's type: rules.py builds the index, so the index cannot import rules.py back."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, TypeVar

from .patterns import Glob, index_keys

R = TypeVar("R")
"""A rule, as the index sees it: a thing filed by the address globs handed in with it."""


@dataclass(frozen=True, slots=True)
class RuleIndex(Generic[R]):
    """The rules asked at one event, filed so a command meets only those that may match.

    A rule whose address globs each end in ``@`` and a literal domain (``*@partner.example``)
    or begin with a literal local part and ``@`` (``nobody@*``) can only match an address
    with that domain or local part, so it is filed under those (Glob.index_key); the others
    are asked always. The candidates come out in file order (a merge of sorted positions),
    and a rule left out could not have held, so the first rule that holds is the one a
    walk over every rule would find, and the seeded generator is drawn from identically.
    """

    rules: tuple[R, ...]
    always: tuple[int, ...]
    """Positions of the rules asked whatever the address."""
    filed: Mapping[str, tuple[int, ...]]
    """Positions of the rules filed under each key (``@domain``, ``local@``; folded)."""

    @classmethod
    def build(cls, rules: tuple[R, ...], globs: Callable[[R], tuple[Glob, ...]]) -> RuleIndex[R]:
        """File ``rules`` by ``globs(rule)``, the globs its address must match (none: any)."""
        always: list[int] = []
        filed: dict[str, list[int]] = {}
        for position, rule in enumerate(rules):
            address = globs(rule)
            keys = {glob.index_key for glob in address}
            if not address or None in keys:
                always.append(position)
                continue
            for key in keys:
                filed.setdefault(str(key), []).append(position)
        return cls(rules, tuple(always),
                   MappingProxyType({key: tuple(p) for key, p in filed.items()}))

    def candidates(self, addresses: tuple[str, ...]) -> Iterator[R]:
        """The rules that may hold for a command with these addresses, in file order."""
        if not self.filed:
            yield from self.rules
            return
        keys = {key for address in addresses for key in index_keys(address)}
        lists = [self.filed.get(key, ()) for key in keys]
        previous = -1
        for position in heapq.merge(self.always, *lists):
            if position != previous:  # a rule filed under two of the addresses' keys
                yield self.rules[position]
                previous = position
