"""A scenario's ``[later]`` table checked and built: recipients accepted with 250 whose
delivery fails afterwards, so that the server writes the sender a bounce (RFC 3464).

```toml
[later]
notice = { en = "This is the mail system at {host}. ...", zh = "..." }
[[later.failure]]
address = "gone@*"                 # a glob, as a rule's match.address
reply = "rcpt.user-unknown"        # a refusal of the catalogue (4xx: delayed, 5xx: failed)
remote = "mailstore.internal"      # optional: the host behind this one that refused
```
Each problem names the file and the field, in the checker's language (``scenario-file.*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from simulator.protocol.later import REPLY_FIELDS, Later, LaterFailure
from simulator.protocol.patterns import Glob, PatternError
from simulator.protocol.replies import CATALOGUE

from .file_problems import FileProblems
from .load import LANGS

LATER_FIELDS: Final = ("notice", "failure")
FAILURE_FIELDS: Final = ("address", "reply", "remote")
MAX_FAILURES: Final = 100
MAX_NOTICE: Final = 2_000
"""Characters of the notice in one language."""
MAX_HOST: Final = 255
"""Octets of a host name (RFC 5321 §4.5.3.1.2)."""


def later_of(checker: FileProblems, value: object) -> Later:
    """The ``[later]`` table as a Later; problems go to ``checker``."""
    if value is None:
        return Later()
    if not isinstance(value, Mapping):
        checker.say("", "later", "later-table")
        return Later()
    checker.unknown("", "later.", value, LATER_FIELDS)
    failures = value.get("failure", [])
    if not isinstance(failures, list) or len(failures) > MAX_FAILURES:
        checker.say("", "later.failure", "later-failures", limit=MAX_FAILURES)
        return Later()
    built = [_failure(checker, index, table) for index, table in enumerate(failures)]
    return Later(tuple(f for f in built if f is not None), _notice(checker, value.get("notice")))


def _notice(checker: FileProblems, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or any(
            not isinstance(value.get(lang), str) or not 0 < len(value[lang]) <= MAX_NOTICE
            for lang in LANGS):
        checker.say("", "later.notice", "later-notice", langs=", ".join(LANGS),
                    limit=MAX_NOTICE)
        return ()
    checker.unknown("", "later.notice.", value, LANGS)
    return tuple((lang, str(value[lang])) for lang in LANGS)


def _failure(checker: FileProblems, index: int, table: object) -> LaterFailure | None:
    where = f"later.failure[{index}]"
    if not isinstance(table, Mapping):
        checker.say("", where, "later-table")
        return None
    checker.unknown("", f"{where}.", table, FAILURE_FIELDS)
    address, key, remote = table.get("address"), table.get("reply"), table.get("remote", "")
    glob = _glob(checker, f"{where}.address", address)
    if not _usable_key(key):
        checker.say("", f"{where}.reply", "later-reply", given=repr(key),
                    fields=", ".join(REPLY_FIELDS))
        return None
    if not isinstance(remote, str) or len(remote) > MAX_HOST or not remote.isascii() \
            or any(c.isspace() for c in remote):
        checker.say("", f"{where}.remote", "later-remote", limit=MAX_HOST)
        return None
    return None if glob is None else LaterFailure(glob, str(key), remote)


def _glob(checker: FileProblems, field: str, address: object) -> Glob | None:
    if not isinstance(address, str) or "@" not in address:
        checker.say("", field, "later-address")
        return None
    try:
        return Glob.compile(address)
    except PatternError as err:
        checker.pattern_problem("", field, err)
        return None


def _usable_key(key: Any) -> bool:
    """A catalogue refusal whose text needs only what a later failure can fill in."""
    spec = CATALOGUE.get(key) if isinstance(key, str) else None
    return spec is not None and spec.code >= 400 and set(spec.fields) <= set(REPLY_FIELDS)
