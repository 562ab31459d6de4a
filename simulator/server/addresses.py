"""Listening addresses: which only this machine can reach, and how one is written in a URL.

The simulator binds loopback unless told otherwise; ``serve`` warns when it is not.
"""

from __future__ import annotations


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: addresses only this machine can reach."""
    if host.lower() in ("localhost", "127.0.0.1", "::1"):
        return True
    import ipaddress  # only for other addresses: every start would pay for it

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it stands in a URL: IPv6 literals in brackets (RFC 3986 §3.2.2)."""
    return f"[{host}]" if ":" in host else host
