"""What STARTTLS and AUTH change in a session: the EHLO keywords and the gates before MAIL.

The gates are the refusals a submission server gives to a client that skipped a step:
530 5.7.0 before STARTTLS (``--require-tls``, as Postfix's ``smtpd_tls_security_level =
encrypt``), 538 5.7.11 for AUTH in the clear when TLS is offered (``smtpd_tls_auth_only``),
530 5.7.0 before AUTH (``--require-auth``). Sequencing proper stays in state.py.
"""

from __future__ import annotations

import functools
from typing import Final

from .auth import MECHANISMS, AuthDialogue, Step
from .commands import Auth, fail
from .credentials import VERDICTS, CredentialLines
from .framing import MAX_AUTH_LINE, MAX_COMMAND_LINE, CommandLine, Framer
from .policy import Policy
from .replies import Reply, make_reply
from .state import Verb

NEED_TLS: Final = frozenset({Verb.MAIL, Verb.RCPT, Verb.DATA, Verb.AUTH})
"""Commands refused before STARTTLS when TLS is required (RFC 3207 §4)."""
NEED_AUTH: Final = frozenset({Verb.MAIL, Verb.RCPT, Verb.DATA})
"""Commands refused before AUTH when authentication is required (RFC 4954 §6)."""
EHLO_EXTENSIONS: Final = ("PIPELINING", "SIZE {size}", "8BITMIME", "ENHANCEDSTATUSCODES",
                          "SMTPUTF8", "HELP")
"""The keywords EHLO always lists (STARTTLS and AUTH go after the third, when offered)."""


def offered(policy: Policy, verb: Verb) -> bool:
    """False for STARTTLS and AUTH on a server that does not offer them (then 502). On an
    implicit-TLS port STARTTLS is known but TLS is already on: 503 (RFC 3207 §4.2, as
    Postfix's smtps answers "TLS already active"), never "not implemented"."""
    if verb is Verb.STARTTLS:
        return policy.tls or policy.implicit_tls
    if verb is Verb.AUTH:
        return policy.auth
    return True


def extensions(policy: Policy, *, tls: bool) -> tuple[str, ...]:
    """EHLO keywords for TLS and AUTH: STARTTLS until TLS is active; AUTH when usable."""
    keywords: list[str] = []
    if policy.tls and not tls:
        keywords.append("STARTTLS")  # RFC 3207 §4.2: not offered again after the handshake
    if policy.auth and (tls or not policy.tls):
        keywords.append("AUTH " + " ".join(MECHANISMS))
    return tuple(keywords)


@functools.lru_cache(maxsize=8)
def _with_size(size: int) -> tuple[str, ...]:
    """:data:`EHLO_EXTENSIONS` with the size filled in: formatted once, not at every EHLO."""
    return tuple(line.format(size=size) for line in EHLO_EXTENSIONS)


class Security:
    """A session's TLS and AUTH state: what the handshake and the 334 dialogue changed.

    ``tls`` is True once the driver finished the handshake; ``user`` is who logged in.
    The session asks it for the line limit, the gates, the EHLO keywords and the replies
    to STARTTLS, AUTH and each 334 answer.
    """

    __slots__ = ("_credentials", "_policy", "_tls_available", "dialogue", "handshake_due",
                 "tls", "user")

    def __init__(self, policy: Policy, *, tls_available: bool) -> None:
        self._policy = policy
        self._tls_available = tls_available
        self.tls = False
        self.handshake_due = False
        """STARTTLS was answered 220: no more input until the driver did the handshake."""
        self.user: str | None = None
        self.dialogue: AuthDialogue | None = None
        """The AUTH exchange waiting for its next 334 answer, if any."""
        self._credentials = CredentialLines()

    def secret(self, line: CommandLine) -> bool:
        """True when ``line``, about to be read, holds a credential (credentials.py's rule:
        an AUTH line, a 334 answer, a non-command line after an AUTH line)."""
        return self._credentials.secret(line.raw, answering=self.dialogue is not None)

    def line_limit(self, framer: Framer) -> int:
        """RFC 4954 §4: AUTH lines and 334 answers may be 12288 octets, others 512."""
        if self.dialogue is not None or (self._policy.auth and framer.starts_with(b"AUTH ")):
            return MAX_AUTH_LINE
        return MAX_COMMAND_LINE

    def check(self, verb: Verb) -> None:
        """Raise the 530 or 538 that ``verb`` gets now, if any; checked before sequencing."""
        policy, tls = self._policy, self.tls
        if policy.require_tls and not tls and verb in NEED_TLS:
            raise fail("tls.required")
        if verb is Verb.AUTH and policy.tls and not tls:
            raise fail("auth.encryption-required")
        if policy.require_auth and self.user is None and verb in NEED_AUTH:
            raise fail("auth.required")

    def extensions(self) -> tuple[str, ...]:
        return extensions(self._policy, tls=self.tls)

    def ehlo_keywords(self) -> tuple[str, ...]:
        """Every line of the EHLO reply after the greeting line (RFC 5321 §4.1.1.1)."""
        keywords = _with_size(self._policy.max_message_size)
        return keywords[:3] + self.extensions() + keywords[3:]

    def starttls(self) -> Reply:
        """RFC 3207 §4: 220, then the handshake; 503 when already on TLS, 454 without means."""
        if self.tls:
            raise fail("tls.already-active")
        if not self._tls_available:
            raise fail("tls.not-available")
        self.handshake_due = True
        return make_reply("tls.ready")

    def tls_started(self) -> None:
        self.handshake_due = False
        self.tls = True

    def start_auth(self, command: Auth) -> Reply:
        if self.user is not None:
            raise fail("auth.already-authenticated")  # RFC 4954 §4
        dialogue = AuthDialogue(self._policy.accounts)
        return self._step(dialogue, dialogue.start(command))

    def answer(self, line: CommandLine) -> Reply:
        """The reply to a line sent after a 334."""
        assert self.dialogue is not None
        return self._step(self.dialogue,
                          self.dialogue.receive(line, accept_bare_lf=self._policy.accept_bare_lf))

    def _step(self, dialogue: AuthDialogue, step: Step) -> Reply:
        self.dialogue = None if step.done else dialogue
        if step.reply.code in VERDICTS:  # judged: no more lines of this exchange to come
            self._credentials.settle()  # (one cut short, by a bare CR say, may still have)
        if step.user is not None:
            self.user = step.user
        return step.reply
