"""One session's error count: slow down, then close, a client that keeps failing.

This is what Postfix does with three settings of postconf(5), so that one client cannot
guess passwords or send junk as fast as the server can answer:

- ``smtpd_soft_error_limit`` (here :attr:`Policy.soft_error_limit`, 10): past that many
  errors in a session, each further error reply waits ``smtpd_error_sleep_time``
  (:attr:`Policy.error_sleep`). The wait is an instruction to the driver, the ``delay`` of
  the Exchange, as a scenario's tarpit is: the engine never sleeps. (Postfix 2.1 and later
  delay every reply past the limit; here only the replies that count as errors are delayed,
  so a learner who made ten mistakes and then gets it right is not slowed down, while every
  wrong password after the tenth still waits.)
- ``smtpd_hard_error_limit`` (:attr:`Policy.error_budget`, 20): at that many errors the
  session is closed with 421 4.7.0.
- ``smtpd_junk_command_limit`` (:attr:`Policy.junk_command_limit`, 100): commands that do
  nothing toward a message are free up to the limit; each one after it counts as an error.
  postconf(5): "The junk command count is reset after mail is delivered", and only then: a
  HELO, MAIL or RCPT in between does not start the run over (else a client could alternate
  them with junk for ever).

One setting of Postfix's anvil(8) is kept across sessions, in the server's
:class:`~simulator.protocol.memory.Memory` (else a guesser reconnects after ten failures and
is never slowed down): past :attr:`Policy.auth_failure_limit` failed AUTH attempts from one
client address in a minute (smtpd_client_auth_rate_limit per anvil_rate_time_unit, here
counting failures only, so a user who logs in right is never held up), each further failure
from that address waits ``error_sleep`` in any session, from its first failure on.

An error is a reply of 500 or more (RFC 5321 §4.2.1: a permanent negative reply; a failed
AUTH is 535 5.7.8, RFC 4954 §6, so every wrong password counts), or a junk command past
the junk limit, whose reply (250, 252, 214) is unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from .commands import Query, Simple
from .events import Exchange
from .memory import Memory
from .policy import Policy
from .referee import client_address
from .state import Verb

JUNK_VERBS: Final = frozenset({Verb.NOOP, Verb.RSET, Verb.VRFY, Verb.EXPN, Verb.HELP})
"""Postfix's junk commands are NOOP, VRFY, ETRN and RSET; ETRN is not offered here (502, an
error already), and HELP and EXPN ask as VRFY does without moving a message on."""

REFUSED_CREDENTIALS: Final = frozenset({"auth.failed", "auth.app-password-required",
                                        "auth.authorization-code-required"})
"""Reply keys of an AUTH whose credentials were tried and refused (RFC 4954 §6; the last two
are a right user's wrong kind of password, 534 as Gmail, 535 as QQ Mail): each is one guess."""


class ErrorLimits:
    """Counts one session's errors and junk commands against its policy's limits."""

    __slots__ = ("errors", "junk", "memory", "peer", "policy", "timer")

    def __init__(self, policy: Policy, *, memory: Memory | None = None,
                 timer: Callable[[], float] | None = None, peer: str = "unknown") -> None:
        self.policy = policy
        self.memory, self.timer = memory, timer
        """The server's memory and clock (both needed to count AUTH failures across sessions)."""
        self.peer = peer
        """The client's address and port (its address is counted only when AUTH fails)."""
        self.errors = 0
        """Errors so far in the session (the console's toolbar shows them)."""
        self.junk = 0
        """Junk commands since the session began or the last accepted message."""

    def judge(self, exchange: Exchange) -> tuple[Exchange, bool]:
        """``exchange`` as it must go out (delayed when it is an error past the soft limit),
        and whether the hard limit is now reached (the session must then close)."""
        if exchange.message is not None:
            self.junk = 0  # postconf(5) smtpd_junk_command_limit: reset after mail is delivered
        if not self._is_error(exchange):
            return exchange, False
        self.errors += 1
        policy = self.policy
        guessing = self._too_many_auth_failures(exchange)
        if policy.error_sleep and (guessing or self.errors > policy.soft_error_limit):
            exchange = dataclasses.replace(exchange, delay=exchange.delay + policy.error_sleep)
        return exchange, bool(policy.error_budget) and self.errors >= policy.error_budget

    def _too_many_auth_failures(self, exchange: Exchange) -> bool:
        """Count a refused AUTH against the client's address; whether it is past the limit."""
        limit = self.policy.auth_failure_limit
        if (not limit or self.memory is None or self.timer is None
                or exchange.reply.key not in REFUSED_CREDENTIALS):
            return False
        client = client_address(self.peer)  # not kept per session: most never fail AUTH
        return self.memory.count_auth_failure(client, self.timer(), limit=limit) > limit

    def _is_error(self, exchange: Exchange) -> bool:
        command = exchange.command
        over_junk_limit = False
        if isinstance(command, (Simple, Query)) and command.verb in JUNK_VERBS:
            self.junk += 1
            limit = self.policy.junk_command_limit
            over_junk_limit = bool(limit) and self.junk > limit
        return exchange.reply.code >= 500 or over_junk_limit
