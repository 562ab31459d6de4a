"""SMTP AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN: accounts and the 334 dialogue.

The dialogue is an input mode of the session, beside commands and message text: after a
334 the next line is not a command but a base64 answer (or ``*`` to cancel), up to 12288
octets (RFC 4954 §4). :class:`AuthDialogue` holds one such exchange; it is pure, so the
session stays sans-IO. Credentials never reach a log: credentials.py says which lines hold
one and what a screen other than the learner's own shows of them.
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .commands import Auth, ProtocolError, fail
from .credentials import MASK as MASK  # what a screen shows instead (annotate.py)
from .credentials import shown_mechanism
from .escape import quote
from .framing import CommandLine, framing_error, framing_fields
from .replies import Reply, make_reply

MECHANISMS: Final = ("PLAIN", "LOGIN")
"""Offered in EHLO as ``AUTH PLAIN LOGIN``."""
CANCEL: Final = "*"
"""RFC 4954 §4: a client ends the dialogue with a line holding only ``*``."""


class AppStyle(enum.Enum):
    """How a server refuses an account's own (web) password when it wants the app password.

    Both are RFC 4954 §6 verdicts; the providers differ in the code they choose.
    """

    GMAIL = "app-password"
    """Code 534, enhanced X.7.9, asking for an application-specific password (RFC 4954 §6,
    RFC 3463 X.7.9; Google's documented reply): ``auth.app-password-required``."""
    QQ = "authorization-code"
    """Code 535, enhanced X.7.8, with a text asking for the authorization code, as
    QQ Mail and 163 do: the code says only that the credentials failed, the text says why
    (``auth.authorization-code-required``)."""


APP_STYLES: Final = {style.value: style for style in AppStyle}
"""The third field of ``--user NAME:PASSWORD:STYLE`` and a lesson account's ``style``."""


@dataclass(frozen=True, slots=True)
class Account:
    """One login. With ``app_password`` set, ``password`` is the account's own (web)
    password, refused as ``app_style`` says, and only the app password (授权码) logs in.
    ``addresses`` are the sender addresses it owns besides its name, when that is an
    address (see senders.py)."""

    name: str
    password: str
    app_password: str | None = None
    app_style: AppStyle = AppStyle.GMAIL
    addresses: tuple[str, ...] = ()


DEFAULT_ACCOUNTS: Final = (Account("student", "secret"),)
"""The account when none is given on the command line (printed at start)."""


class Check(enum.Enum):
    """What a name and password amount to for :func:`check_password`."""

    OK = "auth.succeeded"
    WRONG = "auth.failed"
    NEEDS_APP_PASSWORD = "auth.app-password-required"
    NEEDS_AUTHORIZATION_CODE = "auth.authorization-code-required"


_REFUSALS: Final = {AppStyle.GMAIL: Check.NEEDS_APP_PASSWORD,
                    AppStyle.QQ: Check.NEEDS_AUTHORIZATION_CODE}


def check_password(accounts: Sequence[Account], name: str, password: str) -> Check:
    """RFC 4954 §6: 235 for a match; for the web password of an account that wants its
    app password, 534 or 535 as its provider's style says; else 535."""
    for account in accounts:
        if account.name != name:
            continue
        if account.app_password is None:
            return Check.OK if password == account.password else Check.WRONG
        if password == account.app_password:
            return Check.OK
        return _REFUSALS[account.app_style] if password == account.password else Check.WRONG
    return Check.WRONG


def decode(text: str) -> bytes:
    """Strict base64 (RFC 4954 §4), ``=`` alone being the empty response; 501 5.5.2 if not."""
    if text == "=":
        return b""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise fail("auth.bad-base64") from None


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


@dataclass(frozen=True, slots=True)
class Step:
    """The reply to one AUTH line; ``user`` is set once the login succeeded."""

    reply: Reply
    done: bool
    user: str | None = None


class AuthDialogue:
    """One AUTH exchange: :meth:`start` with the AUTH command, :meth:`answer` per 334."""

    def __init__(self, accounts: Sequence[Account]) -> None:
        self._accounts = tuple(accounts)
        self._mechanism = ""
        self._name: str | None = None

    def start(self, command: Auth) -> Step:
        """The reply to ``AUTH mechanism [initial-response]``."""
        self._mechanism = command.mechanism
        if command.mechanism not in MECHANISMS:
            # quoted only when it is a mechanism's name: a credential may stand in its place
            raise fail("auth.unknown-mechanism",
                       argument=quote(shown_mechanism(command.mechanism), 30))
        if command.initial is None:
            plain = self._mechanism == "PLAIN"
            key = "auth.plain-challenge" if plain else "auth.username-challenge"
            return Step(make_reply(key), done=False)
        return self.answer(command.initial)

    def receive(self, line: CommandLine, *, accept_bare_lf: bool = False) -> Step:
        """The reply to a line the client sent after a 334: framed as strictly as a command
        (500 5.5.6 when over-long, 500 5.5.2 for a bare CR or LF), which ends the exchange."""
        problem = framing_error(line, accept_bare_lf=accept_bare_lf)
        if problem is not None:
            return Step(make_reply(problem, **framing_fields(line)), done=True)
        return self.answer(line.content.decode("utf-8", errors="surrogateescape"))

    def answer(self, line: str) -> Step:
        """The reply to one line of the dialogue (an initial response counts as one)."""
        if line == CANCEL:
            return Step(make_reply("auth.cancelled"), done=True)
        try:
            data = decode(line)
            if self._mechanism == "PLAIN":
                return self._plain(data)
            return self._login(data)
        except ProtocolError as err:
            return Step(err.reply, done=True)

    def _plain(self, data: bytes) -> Step:
        """RFC 4616 §2: authzid NUL authcid NUL passwd; an authzid other than the user fails."""
        parts = data.split(b"\x00")
        if len(parts) != 3 or not parts[1]:
            raise fail("auth.bad-plain")
        authzid, name, password = (_text(part) for part in parts)
        if authzid and authzid != name:
            return Step(make_reply("auth.failed"), done=True)
        return self._finish(name, password)

    def _login(self, data: bytes) -> Step:
        if self._name is None:
            self._name = _text(data)
            return Step(make_reply("auth.password-challenge"), done=False)
        return self._finish(self._name, _text(data))

    def _finish(self, name: str, password: str) -> Step:
        result = check_password(self._accounts, name, password)
        return Step(make_reply(result.value), done=True,
                    user=name if result is Check.OK else None)


def parse_account(text: str, app_password: str) -> Account:
    """``NAME:PASSWORD``, ``NAME:PASSWORD:app-password`` (534, as Gmail) or
    ``NAME:PASSWORD:authorization-code`` (535, as QQ Mail) (``--user``); ValueError if bad.

    ``app_password`` is the app password such an account gets (the caller makes one up).
    """
    name, colon, rest = text.partition(":")
    style = next((s for flag, s in APP_STYLES.items() if rest.endswith(":" + flag)), None)
    password = rest.removesuffix(":" + style.value) if style else rest
    if not (name and colon and password) or ":" in name:
        raise ValueError(text)
    if not (name.isascii() and name.isprintable() and password.isprintable()):
        raise ValueError(text)
    if style is None:
        return Account(name, password)
    return Account(name, password, app_password, style)
