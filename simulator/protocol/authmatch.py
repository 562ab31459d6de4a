"""The rule conditions on mail authentication: SPF, DMARC, null MX and reverse DNS.

A rule file writes them beside the others (``match = { spf = "fail" }``); they hold only
for a scenario with a ``[dns]`` zone, whose verdicts the Referee works out (:class:`AuthFacts`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuthMatch:
    """Each given condition must hold; a tuple holds when the verdict is any of its values."""

    spf: tuple[str, ...] = ()
    """The SPF result of MAIL FROM (RFC 7208 §2.6): pass, fail, softfail, neutral, none,
    permerror, temperror. Known from MAIL on."""
    dkim: tuple[str, ...] = ()
    """The DKIM result (RFC 6376 §6.1): pass (some signature verified), fail, none."""
    dmarc: tuple[str, ...] = ()
    """The DMARC result of the header From: (RFC 7489): pass, fail, none, permerror.
    After the final dot only."""
    dmarc_policy: tuple[str, ...] = ()
    """The policy the author domain publishes: reject, quarantine, none."""
    null_mx: bool | None = None
    """RCPT's domain publishes the null MX ``0 .`` (RFC 7505)."""
    fcrdns: bool | None = None
    """The client's address has a PTR name whose A/AAAA records lead back to it."""

    def holds(self, facts: AuthFacts) -> bool:
        pairs = ((self.spf, facts.spf), (self.dkim, facts.dkim), (self.dmarc, facts.dmarc),
                 (self.dmarc_policy, facts.dmarc_policy))
        if any(wanted and found not in wanted for wanted, found in pairs):
            return False
        if self.null_mx is not None and self.null_mx != facts.null_mx:
            return False
        return self.fcrdns is None or self.fcrdns == facts.fcrdns


@dataclass(frozen=True, slots=True)
class AuthFacts:
    """The verdicts known at one event (None: not judged, so no condition on it holds)."""

    spf: str | None = None
    dkim: str | None = None
    dmarc: str | None = None
    dmarc_policy: str | None = None
    null_mx: bool = False
    fcrdns: bool | None = None
