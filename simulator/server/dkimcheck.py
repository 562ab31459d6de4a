"""DKIM (RFC 6376) for the engine: each signature verified with the key in the scenario's zone.

dkimpy does the work (a well-kept implementation of RFC 6376 and RFC 8463, in pure Python);
it is asked with ``dnsfunc`` answering from the zone, so no DNS query ever leaves. It lives
here, in the driver's layer, because dkimpy imports dnspython and its socket modules, which
the sans-IO engine does not; the engine receives :func:`verify` as ``Policy.dkim``.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Final

from simulator.protocol import Policy
from simulator.protocol.headers import HEADER_LIMIT
from simulator.protocol.verdicts import DkimResult
from simulator.protocol.zone import Zone

MAX_SIGNATURES: Final = 5
"""Signatures verified per message (each costs an RSA operation); the rest are ignored."""
_QUIET: Final = logging.getLogger("smtp-sim.dkim")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False  # a broken signature is a verdict, not a log line


def with_dkim(policy: Policy) -> Policy:
    """``policy`` with DKIM verification, when its scenario has a zone to take keys from."""
    if not policy.scenario.zone or policy.dkim is not None:
        return policy
    return dataclasses.replace(policy, dkim=verify)


def verify(message: bytes, zone: Zone) -> tuple[DkimResult, ...]:
    """The verdict of each DKIM-Signature of ``message`` (the client's text), in order."""
    head = message[:HEADER_LIMIT].split(b"\r\n\r\n", 1)[0].lower()
    if not head.startswith(b"dkim-signature:") and b"\ndkim-signature:" not in head:
        return ()  # unsigned: the common case costs no parse (and no import)
    import dkim  # type: ignore[import-untyped]  # imported on first use: it is not needed by a scenario without a zone

    def txt(name: bytes, timeout: float = 5) -> bytes | None:
        records = zone.lookup(name.decode("ascii", "replace"), "TXT")
        return records[0].encode("utf-8") if records else None

    try:
        signed = dkim.DKIM(message, logger=_QUIET)
        count = sum(1 for name, _ in signed.headers if name.lower() == b"dkim-signature")
    except Exception:  # a message dkimpy cannot parse has no verdict, never a crash
        return ()
    results = []
    for index in range(min(count, MAX_SIGNATURES)):
        signed.domain = signed.selector = None
        try:
            result = "pass" if signed.verify(index, dnsfunc=txt) else "fail"
        except dkim.ValidationError as err:  # a changed body fails verification (§6.1.3)
            result = "fail" if "body hash mismatch" in str(err) else "permerror"
        except Exception:  # a malformed signature is a permerror (RFC 8601 §2.7.1)
            result = "permerror"
        results.append(DkimResult(result, _text(signed.domain), _text(signed.selector)))
    return tuple(results)


def _text(value: bytes | None) -> str:
    return (value or b"").decode("ascii", "replace")
