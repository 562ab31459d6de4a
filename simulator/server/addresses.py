"""Listening addresses: which only this machine can reach, and how one is written in a URL.

The simulator binds loopback unless told otherwise; ``serve`` warns when it is not.
"""

from __future__ import annotations

import ipaddress
from typing import Final

from simulator.protocol.lazyre import lazy

_HOSTNAME_RE: Final = lazy(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
"""What the server may call itself (``serve --hostname``, a demo header's ``hostname``): it
is sent in the greeting and in replies, so letters, digits, dots and hyphens only (the
characters of a domain, RFC 5321 §4.1.2), never a CR, LF or terminal escape."""


def valid_hostname(name: str) -> bool:
    """True when ``name`` may be the server's host name (see :func:`_hostname_re`)."""
    return _HOSTNAME_RE.fullmatch(name) is not None


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: addresses only this machine can reach."""
    if host.lower() in ("localhost", "127.0.0.1", "::1"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it stands in a URL: IPv6 literals in brackets (RFC 3986 §3.2.2)."""
    return f"[{host}]" if ":" in host else host
