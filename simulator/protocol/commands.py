"""One command line -> a frozen dataclass per command, or a ProtocolError carrying its reply.

Parsing follows RFC 5321 §4.1 (command syntax) and §4.5.3.1 (size limits), RFC 1870 (SIZE),
RFC 6152 (8BITMIME) and RFC 6531 (SMTPUTF8). Sequencing is not checked here: see state.py.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final

from .escape import quote
from .lazyre import lazy
from .replies import HELP_TOPICS, Reply, make_reply
from .state import UNIMPLEMENTED, Verb


class ProtocolError(Exception):
    """A client error; ``reply`` is what the server answers."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.reply = reply


def fail(key: str, **fields: object) -> ProtocolError:
    """A ProtocolError with the catalogue reply ``key``."""
    return ProtocolError(make_reply(key, **fields))


@dataclass(frozen=True, slots=True)
class Hello:
    verb: Verb  # HELO or EHLO
    domain: str


@dataclass(frozen=True, slots=True)
class MailFrom:
    path: str  # "" is the null reverse-path <>
    size: int | None = None
    body: str | None = None  # "7BIT" or "8BITMIME"
    smtputf8: bool = False


@dataclass(frozen=True, slots=True)
class RcptTo:
    path: str


@dataclass(frozen=True, slots=True)
class Simple:
    """A command with no meaningful argument: DATA, RSET, QUIT, NOOP."""

    verb: Verb


@dataclass(frozen=True, slots=True)
class Query:
    """A command with a free-text argument: VRFY, EXPN, HELP (argument may be empty)."""

    verb: Verb
    argument: str


@dataclass(frozen=True, slots=True)
class Auth:
    """AUTH mechanism [initial-response] (RFC 4954 §4); the response is still base64."""

    mechanism: str
    initial: str | None = None


@dataclass(frozen=True, slots=True)
class AuthAnswer:
    """A line of the 334 dialogue: base64, or ``*`` to cancel. Never shown in a log."""


@dataclass(frozen=True, slots=True)
class EndOfData:
    """The ``.`` line that ends the message text."""

    size: int


Command = Hello | MailFrom | RcptTo | Simple | Query | Auth | AuthAnswer | EndOfData

COMMAND_VERBS: Final = frozenset(v.value for v in Verb if v is not Verb.END_OF_DATA)
_VERB_NAMED: Final = {name: Verb(name) for name in COMMAND_VERBS}
"""Each command's verb by its name: a dict lookup, cheaper than ``Verb(name)`` per line."""

MAX_LOCAL_PART: Final = 64  # RFC 5321 §4.5.3.1.1
MAX_PATH: Final = 256  # RFC 5321 §4.5.3.1.3, brackets included
MAX_DOMAIN: Final = 255  # RFC 5321 §4.5.3.1.2

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_UTF8_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_UTF8_ATOM = r"[^\x00-\x20\"(),.:;<>@\[\\\]\x7f]+"  # RFC 6531 §3.3: atext plus UTF-8


_DOMAIN_RE: Final = lazy(rf"{_LABEL}(?:\.{_LABEL})*")
_UTF8_DOMAIN_RE: Final = lazy(rf"{_UTF8_LABEL}(?:\.{_UTF8_LABEL})*")
_DOT_STRING_RE: Final = lazy(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
_UTF8_DOT_STRING_RE: Final = lazy(rf"{_UTF8_ATOM}(?:\.{_UTF8_ATOM})*")
_QUOTED_STRING_RE: Final = lazy(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"')
_SOURCE_ROUTE_RE: Final = lazy(rf"@{_LABEL}(?:\.{_LABEL})*(?:,@{_LABEL}(?:\.{_LABEL})*)*:")
_SIZE_RE: Final = lazy(r"[0-9]{1,20}")


def split_verb(line: str) -> tuple[Verb, str]:
    """Split a decoded command line into its verb and argument text.

    Verbs are case-insensitive; spaces around the argument are tolerated (RFC 5321 §4.1.1
    asks servers to be liberal about trailing white space).
    """
    stripped = line.strip(" ")
    if not stripped:
        raise fail("syntax.empty-line")
    word, _, rest = stripped.partition(" ")
    if not word.isascii():  # before upper(): "quıt".upper() == "QUIT"
        raise fail("syntax.unknown-command", verb=quote(word, 30))
    upper = word.upper()
    verb = _VERB_NAMED.get(upper)
    if verb is not None:
        return verb, rest.strip(" ")
    if upper in UNIMPLEMENTED:
        raise fail("syntax.not-implemented", verb=upper)
    if word.endswith(":") and len(word) > 1:
        # "Subject:", "From:": a header line typed before DATA (a frequent beginner slip).
        raise fail("syntax.text-outside-data", verb=quote(word, 30))
    raise fail("syntax.unknown-command", verb=quote(word, 30))


_CONTROL_RE: Final = lazy(r"[\x00-\x1f\x7f]")


def has_control(text: str) -> bool:
    """True when text holds a C0 control character or DEL (tab included)."""
    return _CONTROL_RE.search(text) is not None


def parse_arguments(verb: Verb, argument: str, *, smtputf8: bool = False) -> Command:
    """Parse the argument of ``verb``. ``smtputf8`` says the transaction allows UTF-8 paths."""
    if verb is Verb.NOOP:
        return Simple(verb)  # RFC 5321 §4.1.1.9: a NOOP argument is ignored
    if _CONTROL_RE.search(argument) is not None:  # has_control, one call fewer per line
        raise fail("syntax.control-character", verb=verb.value)
    match verb:
        case Verb.HELO | Verb.EHLO:
            return Hello(verb, parse_helo_domain(verb, argument))
        case Verb.MAIL:
            return parse_mail(argument)
        case Verb.RCPT:
            return parse_rcpt(argument, smtputf8=smtputf8)
        case Verb.AUTH:
            return parse_auth(argument)
        case Verb.DATA | Verb.RSET | Verb.QUIT | Verb.STARTTLS:
            if argument:
                raise fail("syntax.unexpected-argument", verb=verb.value)
            return Simple(verb)
        case Verb.VRFY | Verb.EXPN if not argument:
            raise fail("syntax.missing-argument", usage=HELP_TOPICS[verb.value][0])
        case _:
            return Query(verb, argument)


def check_parameters(command: MailFrom, *, esmtp: bool, max_size: int) -> None:
    """Raise the refusal of MAIL FROM's parameters in this session, if any."""
    if not esmtp and (command.size is not None or command.body or command.smtputf8):
        # RFC 5321 §4.1.1.2: parameters exist only for extensions EHLO announced.
        first = "SIZE" if command.size is not None else ("BODY" if command.body else "SMTPUTF8")
        raise fail("syntax.parameters-need-ehlo", argument=first)
    if command.size is not None and command.size > max_size:  # RFC 1870 §6
        raise fail("limits.size-declared-too-big", size=command.size, limit=max_size)


def parse_auth(argument: str) -> Auth:
    """RFC 4954 §4: ``AUTH mechanism [initial-response]``; ``=`` is an empty response."""
    words = argument.split(" ")
    if not argument or len([w for w in words if w]) > 2:
        raise fail("syntax.missing-argument", usage=HELP_TOPICS["AUTH"][0])
    mechanism, *rest = (w for w in words if w)
    return Auth(mechanism.upper(), rest[0] if rest else None)


def only_path_is_utf8(verb: Verb, argument: str) -> bool:
    """True when the non-ASCII text of a MAIL/RCPT argument is all inside its <path>."""
    start, end = argument.find("<"), argument.find(">")
    if verb not in (Verb.MAIL, Verb.RCPT) or not 0 <= start < end:
        return False
    outside = argument[:start] + argument[end + 1:]
    return outside.isascii() and argument[start:end].isprintable()


def help_reply(argument: str) -> Reply:
    """The 214 answer to HELP [topic], or 504 for a topic without text."""
    if not argument:
        return make_reply("help.general")
    topic = HELP_TOPICS.get(argument.upper())
    if topic is None:
        raise fail("help.unknown-topic", argument=quote(argument))
    return make_reply("help.command", usage=topic[0], summary=topic[1])


def parse_helo_domain(verb: Verb, argument: str) -> str:
    """RFC 5321 §4.1.1.1: HELO/EHLO take one domain or address literal."""
    if not argument:
        raise fail("syntax.helo-needs-domain", verb=verb.value)
    if not (is_domain(argument) or is_address_literal(argument)):
        raise fail("syntax.helo-bad-domain", argument=quote(argument))
    return argument


def is_domain(text: str, *, utf8: bool = False) -> bool:
    pattern = _UTF8_DOMAIN_RE if utf8 else _DOMAIN_RE
    return len(text.encode()) <= MAX_DOMAIN and pattern.fullmatch(text) is not None


def is_address_literal(text: str) -> bool:
    """``[192.0.2.1]`` or ``[IPv6:2001:db8::1]`` (RFC 5321 §4.1.3)."""
    if not (text.startswith("[") and text.endswith("]")):
        return False
    inner = text[1:-1]
    try:
        if inner[:5].upper() == "IPV6:":
            ipaddress.IPv6Address(inner[5:])
        else:
            ipaddress.IPv4Address(inner)
    except ValueError:
        return False
    return True


def _after_keyword(verb: Verb, argument: str) -> str:
    """Strip ``FROM:`` / ``TO:`` from a MAIL/RCPT argument."""
    keyword = "FROM" if verb is Verb.MAIL else "TO"
    missing = "syntax.mail-needs-from" if verb is Verb.MAIL else "syntax.rcpt-needs-to"
    head, colon, rest = argument.partition(":")
    if not colon or head.rstrip(" ").upper() != keyword:
        raise fail(missing)
    if not rest.strip(" "):
        raise fail(missing)
    if head.endswith(" ") or rest.startswith(" "):
        # RFC 5321 §3.3: no spaces on either side of the colon.
        raise fail("syntax.space-after-colon", verb=f"{verb.value} {keyword}:")
    return rest


def parse_path(verb: Verb, text: str, *, smtputf8: bool) -> tuple[str, str]:
    """Parse ``<path> params``; returns the mailbox (source route dropped) and the params text."""
    if not text.startswith("<"):
        raise fail("syntax.path-no-brackets", verb=_label(verb), argument=quote(text.split(" ")[0]))
    end = text.find(">")
    if end < 0:
        raise fail("syntax.path-no-brackets", verb=_label(verb), argument=quote(text.lstrip("<")))
    path, rest = text[1:end], text[end + 1:]
    if rest and not rest.startswith(" "):
        raise _bad_address(verb, text[: end + 1 + len(rest.split(" ")[0])])
    if len(path.encode()) + 2 > MAX_PATH:
        raise fail("limits.path-too-long", limit=MAX_PATH)
    mailbox = _SOURCE_ROUTE_RE.sub("", path, count=1) if path.startswith("@") else path
    check_mailbox(verb, mailbox, smtputf8=smtputf8)
    return mailbox, rest.strip(" ")


def _label(verb: Verb) -> str:
    """``MAIL FROM:`` or ``RCPT TO:``, as a refusal names the command (made only then)."""
    return "MAIL FROM:" if verb is Verb.MAIL else "RCPT TO:"


def _bad_address(verb: Verb, shown: str) -> ProtocolError:
    key = "syntax.bad-sender-address" if verb is Verb.MAIL else "syntax.bad-recipient-address"
    return fail(key, argument=quote(shown))


def check_mailbox(verb: Verb, mailbox: str, *, smtputf8: bool) -> None:
    """Validate ``local@domain`` (RFC 5321 §4.1.2); "" is the null path, sender only."""
    if mailbox == "":
        if verb is Verb.RCPT:
            raise fail("syntax.null-recipient")
        return
    if verb is Verb.RCPT and mailbox.lower() == "postmaster":
        return  # RFC 5321 §4.5.1: <Postmaster> without a domain must be accepted
    non_ascii = not mailbox.isascii()
    if non_ascii and not smtputf8:
        # RFC 6531 §3.5: 550 5.6.7 for the sender, 553 5.6.7 for a recipient.
        raise fail("mail.utf8-needs-smtputf8" if verb is Verb.MAIL else "rcpt.utf8-needs-smtputf8")
    local, at, domain = mailbox.rpartition("@")
    if not at or not local:
        raise _bad_address(verb, f"<{mailbox}>")
    if len(local.encode()) > MAX_LOCAL_PART:
        raise fail("limits.local-part-too-long", limit=MAX_LOCAL_PART)
    dot_string = _UTF8_DOT_STRING_RE if non_ascii else _DOT_STRING_RE
    local_ok = dot_string.fullmatch(local) or _QUOTED_STRING_RE.fullmatch(local)
    domain_ok = is_domain(domain, utf8=non_ascii) or is_address_literal(domain)
    if not (local_ok and domain_ok):
        raise _bad_address(verb, f"<{mailbox}>")


def parse_mail(argument: str) -> MailFrom:
    """MAIL FROM:<path> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8]."""
    text = _after_keyword(Verb.MAIL, argument)
    end = text.find(">")
    wants_utf8 = end >= 0 and "SMTPUTF8" in text[end + 1:].upper().split()
    path, rest = parse_path(Verb.MAIL, text, smtputf8=wants_utf8)
    params = _mail_parameters(rest)
    size_text = params.get("SIZE")
    body = params.get("BODY")
    return MailFrom(
        path,
        size=int(size_text) if size_text is not None else None,
        body=body,
        smtputf8="SMTPUTF8" in params,
    )


def _mail_parameters(text: str) -> dict[str, str]:
    """The parameters after the path, validated; keys upper-cased (RFC 5321 §4.1.1.2)."""
    words = text.split()
    params: dict[str, str] = {}
    for word in words:
        name, eq, value = word.partition("=")
        name = name.upper()
        if name in params:
            raise fail("syntax.bad-parameter-value", argument=quote(f"{name} (given twice)"))
        if name == "SIZE" and eq and _SIZE_RE.fullmatch(value):
            params[name] = value
        elif name == "BODY" and value.upper() in ("7BIT", "8BITMIME"):
            params[name] = value.upper()
        elif name == "SMTPUTF8" and not eq:
            params[name] = ""
        elif name in ("SIZE", "BODY", "SMTPUTF8"):
            raise fail("syntax.bad-parameter-value", argument=quote(word))
        else:
            raise fail("syntax.unknown-parameter", verb="MAIL FROM", argument=quote(word))
    return params


def parse_rcpt(argument: str, *, smtputf8: bool) -> RcptTo:
    """RCPT TO:<path>. No parameters are offered (no DSN): any is 555 (RFC 5321 §4.1.1.11)."""
    path, rest = parse_path(Verb.RCPT, _after_keyword(Verb.RCPT, argument), smtputf8=smtputf8)
    if rest:
        raise fail("syntax.unknown-parameter", verb="RCPT TO", argument=quote(rest.split()[0]))
    return RcptTo(path)
