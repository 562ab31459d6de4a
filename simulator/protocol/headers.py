"""The message header fields the rules read after the final dot: the author's address.

DMARC judges the domain of the header ``From:`` (the author, RFC 7489 §3.1), which exists
only once the message text has arrived, not the envelope sender of MAIL FROM. This module
finds that address in the accepted text; it never decides anything (the rules do).
"""

from __future__ import annotations

from typing import Final

from .lazyre import lazy

HEADER_LIMIT: Final = 64 * 1024
"""Only the first 64 KiB of a message are searched for a header field."""


_ANGLE: Final = lazy(r"<([^<>]*)>")
_COMMENT: Final = lazy(r"\([^()]*\)")


def header_value(message: bytes, name: str) -> str | None:
    """The first ``name:`` field of ``message``'s header, unfolded (RFC 5322 §2.2.3), or None.

    The header ends at the first empty line (RFC 5322 §2.1); field names are case-insensitive.
    """
    wanted = name.lower().encode("ascii")
    head = message[:HEADER_LIMIT].split(b"\r\n\r\n", 1)[0]
    found: list[bytes] | None = None
    for line in head.split(b"\r\n"):
        if found is not None and line[:1] in (b" ", b"\t"):
            found.append(line)
            continue
        if found is not None:
            break
        field, colon, value = line.partition(b":")
        if colon and field.strip().lower() == wanted:
            found = [value]
    if found is None:
        return None
    return b"".join(found).decode("utf-8", errors="replace").strip()


def header_names(message: bytes) -> list[str]:
    """The names of ``message``'s header fields in order, lower-cased (one per field, however
    it is folded); the header ends at the first empty line (RFC 5322 §2.1)."""
    head = message[:HEADER_LIMIT].split(b"\r\n\r\n", 1)[0]
    names: list[str] = []
    for line in head.split(b"\r\n"):
        field, colon, _ = line.partition(b":")
        if colon and line[:1] not in (b" ", b"\t"):
            names.append(field.strip().decode("ascii", errors="replace").lower())
    return names


def author_address(message: bytes) -> str | None:
    """The address of the header ``From:`` (RFC 5322 §3.6.2), or None when there is none.

    ``Bob <bob@example.com>`` and ``bob@example.com (Bob)`` both give ``bob@example.com``;
    with several authors the first counts (RFC 7489 §6.6.1 lets a receiver judge or refuse
    such mail; this server judges the first).
    """
    value = header_value(message, "From")
    if value is None:
        return None
    angle = _ANGLE.search(value)
    address = angle.group(1) if angle else _COMMENT.sub("", value).split(",")[0]
    address = address.strip()
    return address if "@" in address else None


def author_domain(message: bytes) -> str | None:
    """The domain of the header ``From:`` address, lower-cased: DMARC's Author Domain."""
    address = author_address(message)
    return address.rpartition("@")[2].lower() if address else None
