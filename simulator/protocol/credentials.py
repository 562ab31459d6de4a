"""Credentials on screens: which client lines hold one, and what a screen shows of them.

The one rule, for every screen and file other than the learner's own console (``serve``'s
line log, ``--log`` JSONL, the dashboard, the demo's screen and its ``--record`` cast,
``run``'s transcripts, ``:save``):

- an *AUTH line* (a line whose first word is ``AUTH``, in any case, followed by any white
  space or nothing) shows its verb and a mechanism this module recognises; the rest is ``****``
  (RFC 4954 §4: the initial response is a credential; an unrecognised mechanism word may
  be a credential typed without its mechanism);
- a line read by the 334 dialogue (RFC 4954 §4) is ``****`` whole;
- a line that follows an AUTH line, answered or not (as many as the mechanism would have
  asked for, until the exchange's verdict), and is no command, is ``****`` whole: a
  credential pasted after a refused AUTH (538, 503, 530) or sent before its 334 came.

The engine decides it: :class:`CredentialLines` runs in every Session, which sets
:attr:`Exchange.secret` and keeps the line out of the reply text (:func:`hidden`); every
screen then shows :func:`shown_line`. A client that gets no Exchanges (``--connect``) runs
the same :class:`CredentialLines` on the lines it sent and the codes it got back. The
learner's own console shows their own lines as typed (``own=True``): they typed them.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

from .commands import COMMAND_VERBS
from .events import Exchange
from .lazyre import lazy
from .replies import Reply, make_reply

VERDICTS: Final = frozenset({235, 534, 535})
"""RFC 4954 §6: the replies that end an AUTH exchange with a verdict on the credentials."""
MASK: Final = b"****"
"""What a screen shows instead of a credential."""
MASK_TEXT: Final = MASK.decode("ascii")
MECHANISMS_SHOWN: Final = frozenset({
    "PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "XOAUTH2", "OAUTHBEARER", "NTLM", "GSSAPI",
    "EXTERNAL", "ANONYMOUS", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS",
    "SCRAM-SHA-256-PLUS"})
"""SASL mechanism names (IANA's registry) a screen shows after AUTH; any other word there
is masked, since a client that left out the mechanism put its credential in its place."""


_AUTH_LINE: Final = lazy(rb"[ \t]*(auth)(?:([^A-Za-z0-9_\-])|$)", re.IGNORECASE)
_WORD: Final = lazy(rb"([^\s]+)(\s*)")


_QUOTING: Final = frozenset({"syntax.unknown-command", "syntax.text-outside-data"})
"""Replies that quote the first word of the client's line (as ``verb``)."""


def is_auth_line(line: bytes) -> bool:
    """True for ``AUTH PLAIN ...``, ``auth\\tplain\\t...``, ``AUTH``: the verb AUTH, however
    it is separated from what follows."""
    return _AUTH_LINE.match(line) is not None


def _ending(line: bytes) -> bytes:
    return line[len(line.rstrip(b"\r\n")):]


def shown_line(line: bytes, *, secret: bool, own: bool = False) -> bytes:
    """``line`` as a screen shows it: as sent on the learner's own screen (``own``) or when
    it holds no credential, else masked (``AUTH PLAIN ****``, ``****``), line ending kept."""
    if own or not secret:
        return line
    end = _ending(line)
    match = _AUTH_LINE.match(line)
    if match is None:
        return MASK + end
    kept = line[:match.end(1)]
    body = line[match.end(1):len(line) - len(end)]
    words: list[tuple[bytes, bytes]] = _WORD.findall(body.lstrip())
    if not words:
        return line
    gap = body[:len(body) - len(body.lstrip())]
    (mechanism, after), rest = words[0], words[1:]
    if mechanism.upper().decode("latin-1") not in MECHANISMS_SHOWN:
        return kept + gap + MASK + end
    return kept + gap + mechanism + after + (MASK if rest else b"") + end


def _answers_expected(line: bytes) -> int:
    """How many lines an AUTH line asks for: LOGIN alone wants the user and the password."""
    words = line.split()
    return 2 if len(words) == 2 and words[1].upper() == b"LOGIN" else 1


def _is_command(line: bytes) -> bool:
    words = line.split(None, 1)
    return bool(words) and words[0].upper().decode("latin-1") in COMMAND_VERBS


class CredentialLines:
    """Says, line by line in the order sent, which command lines hold a credential.

    ``answering`` is whether the line is read as an answer to a 334: the engine knows it
    (its dialogue is open); a client without Exchanges takes it from the code before.
    """

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = 0
        """Lines still to come that an AUTH line would have asked for."""

    def secret(self, line: bytes, *, answering: bool) -> bool:
        """True when ``line`` holds a credential (see the module's rule)."""
        pending = self._pending
        if pending:
            self._pending = pending - 1
        if answering:
            if line.strip() == b"*":  # RFC 4954 §4: a cancel (501), none of the lines asked
                self._pending = pending  # for: the credential may still be typed after it
            return True
        if _AUTH_LINE.match(line) is not None:  # is_auth_line, one call fewer per line
            self._pending = _answers_expected(line)
            return True
        return pending > 0 and not _is_command(line)

    def settle(self) -> None:
        """The AUTH exchange reached its verdict (235, 535...): what follows is a command."""
        self._pending = 0

    @property
    def expecting(self) -> bool:
        """True while a line that follows may still be a credential."""
        return self._pending > 0

    def reset(self) -> None:
        """A new connection: nothing pending."""
        self._pending = 0


def shown_mechanism(mechanism: str) -> str:
    """The mechanism as a reply may quote it (504 to ``AUTH CRAM-MD5``), else ``****``."""
    return mechanism if mechanism.upper() in MECHANISMS_SHOWN else MASK_TEXT


def unquoted(reply: Reply) -> Reply:
    """``reply`` with no client text in it: a reply that quotes the line's first word
    quotes ``****`` instead (504's mechanism is already :func:`shown_mechanism`)."""
    if reply.key not in _QUOTING:
        return reply
    return make_reply(reply.key, verb=MASK_TEXT)


def hidden(exchange: Exchange) -> Exchange:
    """The engine's Exchange for a line holding a credential: marked secret, and its reply
    quoting none of it (the reply reaches the same screens as the line)."""
    return dataclasses.replace(exchange, secret=True, reply=unquoted(exchange.reply))


def masked(exchange: Exchange, *, own: bool = False) -> Exchange:
    """``exchange`` as a screen other than the learner's own shows it: the line masked and
    the parsed command, which holds the credential too, dropped; a greeting's page token
    masked (see :func:`shown_reply`)."""
    reply = exchange.reply if own else shown_reply(exchange.reply)
    line = shown_line(exchange.line, secret=exchange.secret, own=own)
    if line == exchange.line and reply is exchange.reply:
        return exchange
    if line == exchange.line:
        return dataclasses.replace(exchange, reply=reply)
    return dataclasses.replace(exchange, line=line, command=None, reply=reply)


_PAGE_TOKEN: Final = lazy(r"(/s/)[A-Za-z0-9_-]+")
"""The token in a student's page address (``serve --web``): whoever reads it can open
the page."""


def shown_reply(reply: Reply) -> Reply:
    """``reply`` as a screen other than the student's own shows it: a greeting naming the
    student's web page has its token masked, so a projected dashboard or a shared log never
    lets one student open another's page."""
    if reply.key != "session.greeting-watch":
        return reply
    return dataclasses.replace(reply, lines=tuple(_PAGE_TOKEN.sub(r"\g<1>" + MASK_TEXT, line)
                                                  for line in reply.lines))
