"""The knobs of one server: hostname, limits, strictness switches, error budget, scenario."""

from __future__ import annotations

from dataclasses import dataclass

from .auth import DEFAULT_ACCOUNTS, Account
from .rules import STRICT, Scenario
from .verdicts import DkimVerifier


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
    """After this many errors (5xx replies, and junk commands past ``junk_command_limit``)
    the session is closed with 421 4.7.0; 0 disables (Postfix's smtpd_hard_error_limit; see
    :mod:`~simulator.protocol.errorlimits`)."""
    soft_error_limit: int = 10
    """Past this many errors, each further error reply waits ``error_sleep`` seconds
    (Postfix's smtpd_soft_error_limit)."""
    error_sleep: float = 0.0
    """Seconds an error reply past ``soft_error_limit`` waits (smtpd_error_sleep_time): an
    instruction to the driver, the Exchange's delay. 0, the default, never waits: the console
    and the course do not slow a learner down; ``smtp-sim serve`` waits 1 s by default."""
    auth_failure_limit: int = 0
    """Failed AUTH attempts one client address may make in a minute, over all its sessions;
    past that, each further failure waits ``error_sleep`` from the session's first (a new
    connection no longer starts the count over; Postfix's anvil, smtpd_client_auth_rate_limit).
    0, the default, does not count: ``smtp-sim serve`` counts 10."""
    junk_command_limit: int = 100
    """NOOP, RSET, VRFY, EXPN and HELP are free this many times until a message is accepted;
    each one after that counts as an error (smtpd_junk_command_limit); 0 disables."""
    accept_bare_lf: bool = False
    """Accept commands ended by a bare LF and turn bare LFs in messages into CRLF (for
    ``nc`` without -C). The end of a message must still be <CRLF>.<CRLF>."""
    tls: bool = False
    """Offer STARTTLS (RFC 3207); the driver does the handshake. With ``auth``, AUTH is
    then offered only after TLS is active (538 5.7.11 before)."""
    require_tls: bool = False
    """MAIL, RCPT, DATA and AUTH before STARTTLS get 530 5.7.0 (RFC 3207 §4)."""
    auth: bool = False
    """Offer AUTH PLAIN and LOGIN (RFC 4954) for ``accounts``."""
    accounts: tuple[Account, ...] = DEFAULT_ACCOUNTS
    """Who may log in (``--user``)."""
    require_auth: bool = False
    """MAIL, RCPT and DATA before a successful AUTH get 530 5.7.0 (RFC 4954 §6)."""
    sender_login_match: bool = False
    """MAIL FROM must name an address the logged-in account owns (553 5.7.1 otherwise), and
    an owned address needs its owner logged in (Postfix's reject_sender_login_mismatch; the
    owners come from ``accounts``, see senders.py)."""
    scenario: Scenario = STRICT
    """The rules that make the server realistic, chaotic or a teacher's own (none: strict)."""
    required_headers: tuple[str, ...] = ()
    """Header fields a message must carry, of ``compliance.REQUIRABLE`` (From, Date,
    Message-ID): one missing or repeated is refused with 550 5.7.1 after the final dot
    (RFC 5322 §3.6; Gmail's policy). Empty, the default, judges no header."""
    dkim: DkimVerifier | None = None
    """Verifies DKIM signatures with the scenario zone's keys; handed in by the driver, as
    the library that does it imports DNS modules the engine does not (see verdicts.py)."""
    implicit_tls: bool = False
    """This server plays an implicit-TLS port (RFC 8314 §3.3, port 465): the driver makes the
    handshake before the greeting, and the Received: line says so (see trace.py)."""
