"""The checks of a scenario file's ``[dns]`` zone, ``client_address`` and the rules'
authentication conditions (``spf``, ``dkim``, ``dmarc``...), for :mod:`.scenario_check`.

A bad record is reported naming the file, the name and the record, in the checker's
language (``[zone]`` of the UI texts), and the whole file is refused, as for rules.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, Final

from simulator.protocol import dmarc, spf
from simulator.protocol.authmatch import AuthMatch
from simulator.protocol.zone import (
    MAX_NAMES,
    MAX_RECORDS,
    RECORD_TYPES,
    Zone,
    name_problem,
    record_problem,
    zone_of,
)

from .file_problems import FileProblems
from .ui import text

VERDICT_FIELDS: Final = {"spf": spf.RESULTS, "dkim": ("pass", "fail", "none", "permerror"),
                         "dmarc": dmarc.RESULTS, "dmarc_policy": dmarc.POLICIES}
AUTH_FLAGS: Final = ("null_mx", "fcrdns")
AUTH_FIELDS: Final = (*VERDICT_FIELDS, *AUTH_FLAGS)


def _say(checker: FileProblems, rule: str, field: str, key: str, **fields: object) -> None:
    """Report a zone problem in the checker's language (``zone.KEY`` of the UI texts)."""
    checker.report(rule, field, text(f"zone.{key}", checker.lang, **fields))


def read_zone(checker: FileProblems, value: object) -> Zone:
    """The ``[dns]`` table: ``"name" = { TYPE = ["record", ...] }``."""
    if not isinstance(value, Mapping):
        _say(checker, "", "dns", "not-table")
        return Zone()
    if len(value) > MAX_NAMES:
        checker.say("", "dns", "too-many-domains", count=len(value), limit=MAX_NAMES)
        return Zone()
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, types in value.items():
        field = f"dns.{name!r}"
        if name_problem(name) is not None:
            _say(checker, "", field, "bad-name")
        elif not isinstance(types, Mapping):
            _say(checker, "", field, "not-types", types=", ".join(RECORD_TYPES))
        else:
            table[name] = _records(checker, field, types)
    return zone_of(table)


def _records(checker: FileProblems, field: str,
             types: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for rtype, records in types.items():
        where = f"{field}.{rtype}"
        if rtype not in RECORD_TYPES:
            _say(checker, "", where, "bad-type", types=", ".join(RECORD_TYPES))
            continue
        if isinstance(records, str):
            records = [records]
        if not isinstance(records, list) or not all(isinstance(r, str) for r in records):
            _say(checker, "", where, "not-list")
            continue
        if len(records) > MAX_RECORDS:
            _say(checker, "", where, "too-many-records", count=len(records), limit=MAX_RECORDS)
            continue
        for record in records:
            problem = record_problem(rtype, record)
            if problem is not None:
                _say(checker, "", where, f"{problem}", record=repr(record)[:120])
        found[rtype] = tuple(records)
    return found


def read_client_address(checker: FileProblems, value: object, default: str) -> str:
    """``client_address``: the address in-process sessions come from (SPF judges it)."""
    try:
        return str(ipaddress.ip_address(value if isinstance(value, str) else "?"))
    except ValueError:
        _say(checker, "", "client_address", "bad-client", value=repr(value)[:60])
        return default


def read_auth(checker: FileProblems, rule: str, table: Mapping[str, Any]) -> AuthMatch | None:
    """The authentication conditions of one rule's ``match`` (None: it has none)."""
    if not any(field in table for field in AUTH_FIELDS):
        return None
    fields: dict[str, Any] = {}
    for field, allowed in VERDICT_FIELDS.items():
        if field not in table:
            continue
        given = table[field]
        values = [given] if isinstance(given, str) else given
        if not isinstance(values, list) or not values or any(v not in allowed for v in values):
            _say(checker, rule, f"match.{field}", "bad-verdict", allowed=", ".join(allowed))
        else:
            fields[field] = tuple(values)
    for field in AUTH_FLAGS:
        if field in table:
            if isinstance(table[field], bool):
                fields[field] = table[field]
            else:
                checker.report(rule, f"match.{field}", "must be true or false")
    return AuthMatch(**fields)
