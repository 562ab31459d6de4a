"""The header fields a message must carry: the check a policy switch turns on after the dot.

RFC 5322 §3.6 is a rule: every message has exactly one ``Date:`` (orig-date) and exactly one
``From:``; ``Message-ID:`` SHOULD be present and appears at most once. Refusing a message that
breaks the rule is a receiver's choice, and real providers make it: Gmail answers 550 5.7.1
"not RFC 5322 compliant" to a message with no From:, or two, or none with a valid address.
Requiring ``Message-ID:`` is a provider's policy, not the RFC's rule: Gmail's sender
guidelines ask for one and it refuses some senders' mail without it. The Policy names which
of the three this server insists on (:data:`REQUIRABLE`); the referee asks :func:`header_problem`
before any rule, so nothing else judges a message that is not one.
"""

from __future__ import annotations

from typing import Final

from .headers import author_address, header_names
from .replies import Reply, make_reply

REQUIRABLE: Final = ("From", "Date", "Message-ID")
"""The fields a policy may require, in the order they are checked."""

_ONCE: Final = frozenset({"from", "date", "message-id"})
"""RFC 5322 §3.6's table: each of these at most once (From and Date also at least once)."""


def header_problem(message: bytes, required: tuple[str, ...]) -> Reply | None:
    """The refusal of ``message`` when a field in ``required`` is missing, repeated or (From:)
    names no address; None when the header is as the policy wants it.

    Only the fields named in ``required`` are judged, so a server that requires From: alone
    accepts a message without Date:, as many do.
    """
    if not required:
        return None
    names = header_names(message)
    for field in REQUIRABLE:
        if field not in required:
            continue
        count = names.count(field.lower())
        if count == 0:
            key = "data.message-id-missing" if field == "Message-ID" else "data.header-missing"
            return make_reply(key, field=field)
        if count > 1 and field.lower() in _ONCE:
            return make_reply("data.header-repeated", field=field)
        if field == "From" and author_address(message) is None:
            return make_reply("data.from-invalid")  # RFC 5322 §3.6.2: a mailbox-list
    return None
