"""The knobs of one server: hostname, limits, strictness switches, error budget, scenario."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import STRICT, Scenario


@dataclass(frozen=True, slots=True)
class Policy:
    """How strict and how big. Immutable: one Policy may serve many sessions."""

    hostname: str = "smtp-sim.localhost"
    """The name the server gives in its greeting, 221 and Received: header."""
    max_message_size: int = 10 * 1024 * 1024
    """SIZE advertised in EHLO; a larger message gets 552 5.3.4 (RFC 1870)."""
    max_recipients: int = 100
    """RFC 5321 §4.5.3.1.8: at least 100 must be accepted; the next get 452 4.5.3."""
    error_budget: int = 20
    """After this many 5xx replies the session is closed with 421 4.7.0; 0 disables."""
    accept_bare_lf: bool = False
    """Accept commands ended by a bare LF and turn bare LFs in messages into CRLF (for
    ``nc`` without -C). The end of a message must still be <CRLF>.<CRLF>."""
    scenario: Scenario = STRICT
    """The rules that make the server realistic, chaotic or a teacher's own (none: strict)."""
