"""The reply catalogue: every reply the simulated server can send.

Each entry has a stable *key* that says why the reply was sent (``syntax.unknown-command``,
``limits.line-too-long``...). The lessons explain replies by key, so two 500s for different
reasons get different explanations. No reply literal lives anywhere else in the code base;
tests import this catalogue too.

Enhanced status codes (RFC 3463) are attached to every reply except the greeting, the
354 go-ahead (RFC 3463 defines no 3.x.x class) and replies to HELO/EHLO (RFC 2034 §3).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

MAX_REPLY_LINE: Final = 512
"""RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including the code and CRLF."""

NO_FIELDS: Final[Mapping[str, object]] = MappingProxyType({})


def _no_fields() -> Mapping[str, object]:
    return NO_FIELDS


@dataclass(frozen=True, slots=True)
class Reply:
    """One server reply: a code, an optional enhanced status code, one or more text lines.

    ``fields`` are the facts the reply was built from (``host``, ``limit``, ``path``...), kept
    read-only beside the text so an explanation reads them instead of parsing the text back;
    they may name more than the text shows (the limit of a line too long). Two replies with
    the same code and text are equal whatever their fields.
    """

    code: int
    enhanced: str | None
    lines: tuple[str, ...]
    key: str
    fields: Mapping[str, object] = field(default_factory=_no_fields, compare=False)

    def fact(self, name: str) -> str:
        """The field ``name`` as text, or "" when the reply was not built with it."""
        value = self.fields.get(name)
        return "" if value is None else str(value)

    @property
    def text(self) -> str:
        """The reply text, lines joined with newlines (without codes)."""
        return "\n".join(self.lines)

    def with_lines(self, extra: tuple[str, ...]) -> Reply:
        """The same reply with more lines after its text (EHLO's extension keywords)."""
        return Reply(self.code, self.enhanced, self.lines + extra, self.key, self.fields)

    def without_enhanced(self) -> Reply:
        """The same reply with no enhanced status code (RFC 2034 §3: none for HELO/EHLO)."""
        if self.enhanced is None:
            return self  # frozen: the same reply already (the catalogue's 250 to EHLO)
        return Reply(self.code, None, self.lines, self.key, self.fields)

    def wire_lines(self) -> list[str]:
        """The lines exactly as sent, without CRLF: ``250-...`` for all but the last."""
        prefix = f"{self.enhanced} " if self.enhanced else ""
        last = len(self.lines) - 1
        return [
            f"{self.code}{' ' if i == last else '-'}{prefix}{line}"
            for i, line in enumerate(self.lines)
        ]

    def last_wire_line(self) -> str:
        """The last line exactly as sent, without CRLF (``wire_lines()[-1]``, without building
        the others: what a log or a table shows of a reply, once per Exchange)."""
        if self.enhanced:
            return f"{self.code} {self.enhanced} {self.lines[-1]}"
        return f"{self.code} {self.lines[-1]}"

    def to_bytes(self) -> bytes:
        """The reply on the wire: ASCII lines, each ended by CRLF."""
        if len(self.lines) == 1:  # the common case, kept cheap for the server's hot path
            if self.enhanced:
                return f"{self.code} {self.enhanced} {self.lines[0]}\r\n".encode("ascii")
            return f"{self.code} {self.lines[0]}\r\n".encode("ascii")
        return "".join(line + "\r\n" for line in self.wire_lines()).encode("ascii")


@dataclass(frozen=True, slots=True)
class ReplySpec:
    """A catalogue entry: the reply's code, enhanced code and text template."""

    code: int
    enhanced: str | None
    template: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The ``{placeholders}`` the template needs."""
        return tuple(
            name for _, name, _, _ in string.Formatter().parse(self.template) if name
        )


_S = ReplySpec

CATALOGUE: Final[Mapping[str, ReplySpec]] = MappingProxyType({
    # -- the session: greeting, hello, goodbye ---------------------------------------------
    "session.greeting": _S(220, None, "{host} ESMTP smtp-sim ready (a teaching server; no mail leaves)"),
    "session.greeting-scenario": _S(220, None, "{host} ESMTP smtp-sim ready, scenario {scenario} (a teaching server; no mail leaves)"),
    # serve --web: the greeting names the student's own page (the URL is handed in by the driver)
    "session.greeting-watch": _S(220, None, "{host} ESMTP smtp-sim ready; watch this session explained at {url}"),
    "session.helo": _S(250, None, "{host} Hello {domain}, pleased to meet you"),
    "session.ehlo": _S(250, None, "{host} Hello {domain}, pleased to meet you"),
    "session.quit": _S(221, "2.0.0", "{host} closing connection, goodbye"),
    "session.quit-lesson": _S(221, "2.0.0", "{host} closing connection, goodbye: lesson {lesson}, {done} of {total} steps done"),
    "session.noop": _S(250, "2.0.0", "OK"),
    "session.rset": _S(250, "2.0.0", "OK: transaction reset"),
    "session.timeout": _S(421, "4.4.2", "{host} idle too long, closing connection"),
    "session.shutdown": _S(421, "4.3.2", "{host} server shutting down, closing connection"),
    "session.too-many-errors": _S(421, "4.7.0", "{host} too many errors, closing connection"),
    "session.too-many-clients": _S(421, "4.7.0", "{host} too many connections, try again later"),
    "session.too-many-from-client": _S(421, "4.7.0", "{host} too many connections from your address, try again later"),
    "session.too-slow": _S(421, "4.4.2", "{host} input arriving too slowly, closing connection"),
    # -- the mail transaction ----------------------------------------------------------------
    "mail.accepted": _S(250, "2.1.0", "Sender <{path}> OK"),
    "rcpt.accepted": _S(250, "2.1.5", "Recipient <{path}> OK"),
    # RFC 6531 §3.7.4: no non-ASCII in a reply but VRFY/EXPN's, so a UTF-8 address is left out.
    "mail.accepted-utf8": _S(250, "2.1.0", "Sender OK (a UTF-8 address is not repeated in a reply)"),
    "rcpt.accepted-utf8": _S(250, "2.1.5", "Recipient OK (a UTF-8 address is not repeated in a reply)"),
    "data.start": _S(354, None, "End data with <CR><LF>.<CR><LF>"),
    "data.accepted": _S(250, "2.0.0", "OK: message accepted as {queue_id}"),
    "data.storage-failed": _S(451, "4.3.0", "Local error: the message could not be stored; try again later"),
    "data.storage-full": _S(452, "4.3.1", "Insufficient system storage: the message was not kept; try again later"),
    "data.bare-lf": _S(550, "5.5.2", "Message rejected: it contains a bare LF; end every line with CRLF"),
    "data.bare-cr": _S(550, "5.5.2", "Message rejected: it contains a bare CR; end every line with CRLF"),
    # RFC 5321 §4.3.2 lists 250, 450-452, 550, 552 and 554 after the final dot (500 is not
    # among them); a malformed message gets 550 5.5.2, as bare LF and bare CR do.
    "data.line-too-long": _S(550, "5.5.2", "Message rejected: a text line is longer than 1000 octets including CRLF"),
    # -- informational commands --------------------------------------------------------------
    "vrfy.cannot-verify": _S(252, "2.0.0", "Cannot VRFY {argument}, but send mail and delivery will be attempted"),
    # RFC 5321 §7.3: a server that disables EXPN (or VRFY) must answer 252, not 502 or 550.
    "expn.disabled": _S(252, "2.0.0", "Cannot EXPN {argument}: list expansion is disabled here, but mail to the list will be delivered"),
    "help.general": _S(214, "2.0.0", "Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY EXPN HELP\nType HELP <command> for help on one command\nEnd of HELP"),
    "help.command": _S(214, "2.0.0", "{usage}\n{summary}"),
    "help.unknown-topic": _S(504, "5.5.4", "HELP: no help for {argument}; type HELP to list the commands"),
    # -- syntax ------------------------------------------------------------------------------
    "syntax.unknown-command": _S(500, "5.5.2", 'Syntax error: command "{verb}" not recognized'),
    "syntax.text-outside-data": _S(500, "5.5.2", 'Syntax error: "{verb}" is not a command; message text belongs after DATA'),
    "syntax.empty-line": _S(500, "5.5.2", "Syntax error: empty command line"),
    "syntax.bare-lf": _S(500, "5.5.2", "Syntax error: line ended with a bare LF; end commands with CRLF"),
    "syntax.bare-cr": _S(500, "5.5.2", "Syntax error: line ended with a bare CR; end commands with CRLF"),
    "syntax.non-ascii": _S(501, "5.5.2", "Syntax error: non-ASCII bytes in the argument of {verb}"),
    "syntax.not-implemented": _S(502, "5.5.1", "Command {verb} not implemented"),
    "syntax.control-character": _S(501, "5.5.2", "Syntax error: control character in the argument of {verb}"),
    "syntax.space-after-colon": _S(501, "5.5.4", "Syntax error: no space is allowed around the colon; write {verb}<address>"),
    "syntax.missing-argument": _S(501, "5.5.4", "Syntax: {usage}"),
    "syntax.unexpected-argument": _S(501, "5.5.4", "Syntax error: {verb} takes no argument"),
    "syntax.helo-needs-domain": _S(501, None, "Syntax: {verb} <domain>, for example {verb} client.example"),
    "syntax.helo-bad-domain": _S(501, None, "Syntax error: {argument} is not a domain name or address literal"),
    "syntax.mail-needs-from": _S(501, "5.5.4", "Syntax: MAIL FROM:<address>"),
    "syntax.rcpt-needs-to": _S(501, "5.5.4", "Syntax: RCPT TO:<address>"),
    "syntax.path-no-brackets": _S(501, "5.5.4", "Syntax error: put the address in angle brackets, as {verb}<{argument}>"),
    "syntax.bad-sender-address": _S(501, "5.1.7", "Bad sender address syntax: {argument}"),
    "syntax.bad-recipient-address": _S(501, "5.1.3", "Bad recipient address syntax: {argument}"),
    "syntax.null-recipient": _S(501, "5.1.3", "Bad recipient address: <> may only be a sender"),
    "syntax.unknown-parameter": _S(555, "5.5.4", "{verb} parameter {argument} not recognized"),
    "syntax.parameters-need-ehlo": _S(555, "5.5.4", "MAIL FROM parameter {argument} needs EHLO; after HELO no parameters are allowed"),
    "syntax.bad-parameter-value": _S(501, "5.5.4", "Bad value for {argument}"),
    # Postfix's reject_sender_login_mismatch (smtpd_sender_login_maps): see senders.py.
    "mail.sender-not-owned": _S(553, "5.7.1", "<{path}>: Sender address rejected: not owned by the user logged in"),
    "mail.sender-needs-login": _S(553, "5.7.1", "<{path}>: Sender address rejected: not logged in"),
    # RFC 6531 §3.5: a non-ASCII address without SMTPUTF8 is 550 5.6.7 at MAIL, 553 5.6.7 at RCPT.
    "mail.utf8-needs-smtputf8": _S(550, "5.6.7", "Sender address contains non-ASCII characters; add SMTPUTF8 to MAIL FROM"),
    "rcpt.utf8-needs-smtputf8": _S(553, "5.6.7", "Recipient address contains non-ASCII characters; this message needs SMTPUTF8 in its MAIL FROM"),
    # -- limits ------------------------------------------------------------------------------
    "limits.line-too-long": _S(500, "5.5.2", "Line too long: a command line is at most 512 octets including CRLF"),
    "limits.local-part-too-long": _S(501, "5.5.4", "Address rejected: the local part is longer than 64 octets"),
    "limits.path-too-long": _S(501, "5.5.4", "Address rejected: the path is longer than 256 octets"),
    "limits.too-many-recipients": _S(452, "4.5.3", "Too many recipients: at most {limit} per message"),
    "limits.size-declared-too-big": _S(552, "5.3.4", "Message size {size} exceeds the limit of {limit} octets"),
    "limits.message-too-big": _S(552, "5.3.4", "Message too big: the limit is {limit} octets"),
    # -- scenarios (realistic, chaos): refusals a real mail exchanger sends -------------------
    "rcpt.relay-denied": _S(554, "5.7.1", "<{path}>: Relay access denied"),
    "rcpt.user-unknown": _S(550, "5.1.1", "<{path}>: Recipient address rejected: User unknown in local recipient table"),
    "rcpt.mailbox-full": _S(452, "4.2.2", "<{path}>: Mailbox full, try again later"),
    "rcpt.mailbox-busy": _S(450, "4.2.1", "<{path}>: Mailbox busy, try again later"),
    "rcpt.user-moved": _S(551, "5.1.6", "<{path}>: User not local; please try <{forward}>"),
    "rcpt.greylisted": _S(451, "4.7.1", "<{path}>: Greylisted, please try again in {wait} s"),
    "rcpt.helo-not-fqdn": _S(504, "5.5.2", "<{helo}>: Helo command rejected: need fully-qualified hostname"),
    # RFC 7208 §8.4 with RFC 7372 §3.2's 5.7.23: refused at RCPT, as Postfix's policy-spf does
    # (the sender is judged at MAIL, the refusal waits for a recipient, so it can be logged).
    "rcpt.spf-fail": _S(550, "5.7.23", "<{path}>: Recipient address rejected: SPF fail: {sender_domain} does not authorise {client} to send its mail"),
    # RFC 7372 §3.3: X.7.25 reverse DNS validation failed (Gmail's 550 5.7.25).
    "rcpt.no-reverse-dns": _S(550, "5.7.25", "<{path}>: Recipient address rejected: the address {client} has no reverse DNS name that points back to it"),
    # RFC 7505 §4.1 and RFC 7504: 556 5.1.10 for a domain whose null MX says it takes no mail.
    "rcpt.null-mx": _S(556, "5.1.10", "<{path}>: Recipient address rejected: Domain {domain} does not accept mail (nullMX)"),
    # RFC 7489 §6.6.2: DMARC judges the header From: domain, so it refuses after the final
    # dot (Gmail's 550 5.7.26 comes there); RFC 7372 §3.4: X.7.26 multiple checks failed.
    "data.dmarc-reject": _S(550, "5.7.26", "Unauthenticated mail with From: {author_domain} is refused: that domain's DMARC policy says reject"),
    "limits.message-rate": _S(421, "4.7.0", "{host} too many messages from {peer} (at most {limit} a minute), closing connection"),
    # RFC 5322 §3.6: exactly one Date: and one From:, at most one Message-ID:. Refusing a
    # message that breaks it is a receiver's choice; Gmail makes it with 550 5.7.1 "not RFC
    # 5322 compliant" (a missing or repeated From:, or one with no valid address). Requiring
    # Message-ID: is a provider's policy (Gmail's sender guidelines), not the RFC's rule.
    "data.header-missing": _S(550, "5.7.1", "Message is not RFC 5322 compliant: the {field}: header field is missing"),
    "data.header-repeated": _S(550, "5.7.1", "Message is not RFC 5322 compliant: more than one {field}: header field"),
    "data.from-invalid": _S(550, "5.7.1", "Message is not RFC 5322 compliant: the From: header field has no valid address"),
    "data.message-id-missing": _S(550, "5.7.1", "Messages without a Message-ID: header field are not accepted here"),
    "data.spam": _S(554, "5.7.1", "Message rejected as spam"),
    "data.no-valid-recipients": _S(554, "5.5.1", "Error: no valid recipients"),
    "fault.closing": _S(421, "4.3.2", "{host} service temporarily unavailable, closing connection"),
    "fault.try-again": _S(451, "4.3.0", "Temporary server error, please try again later"),
    "fault.mailbox-unavailable": _S(450, "4.3.0", "Temporary failure, please try again later"),
    "session.hung-up": _S(421, "4.4.2", "(no reply: the server closed the connection without a word)"),
    # -- sequence ----------------------------------------------------------------------------
    "sequence.need-helo": _S(503, "5.5.1", "Bad sequence of commands: send EHLO or HELO first"),
    "sequence.rcpt-before-mail": _S(503, "5.5.1", "Bad sequence of commands: send MAIL FROM before RCPT TO"),
    "sequence.data-before-mail": _S(503, "5.5.1", "Bad sequence of commands: send MAIL FROM and RCPT TO before DATA"),
    "sequence.data-before-rcpt": _S(503, "5.5.1", "Bad sequence of commands: no valid recipient yet; send RCPT TO before DATA"),
    "sequence.nested-mail": _S(503, "5.5.1", "Bad sequence of commands: sender already given; send RSET to start over"),
    "sequence.starttls-in-transaction": _S(503, "5.5.1", "Bad sequence of commands: no STARTTLS during a mail transaction; send RSET first"),
    "sequence.auth-in-transaction": _S(503, "5.5.1", "Bad sequence of commands: no AUTH during a mail transaction; send RSET first"),
    # -- STARTTLS (RFC 3207) -----------------------------------------------------------------
    "tls.ready": _S(220, "2.0.0", "Ready to start TLS"),
    "tls.not-available": _S(454, "4.7.0", "TLS not available: the server has no certificate to offer; try again later"),
    "tls.already-active": _S(503, "5.5.1", "Bad sequence of commands: TLS is already active"),
    "tls.required": _S(530, "5.7.0", "Must issue a STARTTLS command first"),
    # A TLS ClientHello where a command belongs (openssl s_client without -starttls): one
    # error, then close, since everything after it is binary (RFC 5321 §3.8 for the 421).
    "tls.spoken-on-plain-port": _S(421, "4.7.0", "{host} a TLS handshake arrived on a plain SMTP port: send EHLO, then STARTTLS; closing connection"),
    # The handshake itself failed: nothing can be said on the connection any more, so these
    # are shown in transcripts only, like session.hung-up.
    "tls.certificate-refused": _S(421, "4.7.0", "(no reply: the client refused the server's certificate during the TLS handshake)"),
    "tls.handshake-failed": _S(421, "4.7.0", "(no reply: the TLS handshake did not complete)"),
    # -- AUTH (RFC 4954) ---------------------------------------------------------------------
    "auth.succeeded": _S(235, "2.7.0", "Authentication successful"),
    "auth.plain-challenge": _S(334, None, ""),
    "auth.username-challenge": _S(334, None, "VXNlcm5hbWU6"),
    "auth.password-challenge": _S(334, None, "UGFzc3dvcmQ6"),
    "auth.failed": _S(535, "5.7.8", "Authentication credentials invalid"),
    "auth.app-password-required": _S(534, "5.7.9", "Application-specific password required: log in with this account's app password"),
    # QQ Mail and 163 refuse the web password with 535 and ask for the 授权码 in the text.
    "auth.authorization-code-required": _S(535, "5.7.8", "Login refused: this account sends mail with its authorization code, not its web password"),
    "auth.bad-base64": _S(501, "5.5.2", "Cannot decode the response: it is not valid base64"),
    "auth.bad-plain": _S(501, "5.5.2", "Bad PLAIN response: send base64 of authzid NUL user NUL password"),
    "auth.cancelled": _S(501, "5.0.0", "Authentication cancelled"),
    "auth.unknown-mechanism": _S(504, "5.5.4", "Unrecognized authentication type {argument}; offered here: PLAIN LOGIN"),
    "auth.already-authenticated": _S(503, "5.5.1", "Bad sequence of commands: already authenticated"),
    "auth.encryption-required": _S(538, "5.7.11", "Encryption required for requested authentication mechanism; send STARTTLS first"),
    "auth.required": _S(530, "5.7.0", "Authentication required"),
    "auth.line-too-long": _S(500, "5.5.6", "Authentication Exchange line is too long: at most 12288 octets including CRLF"),
})

HELP_TOPICS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "HELO": ("HELO <domain>", "Identify your client (old style); starts a new session state"),
    "EHLO": ("EHLO <domain>", "Identify your client and list the server's extensions"),
    "MAIL": ("MAIL FROM:<address> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8]", "Start a message: give the sender (bounce) address"),
    "RCPT": ("RCPT TO:<address>", "Add one recipient; repeat for more (at most 100)"),
    "DATA": ("DATA", "Send the message text after 354; end it with a line holding only ."),
    "RSET": ("RSET", "Abort the current message; the greeting stays"),
    "NOOP": ("NOOP", "Do nothing; the server answers 250 (keeps a connection alive)"),
    "QUIT": ("QUIT", "End the session; the server answers 221 and closes"),
    "VRFY": ("VRFY <user>", "Ask whether a mailbox exists (answered 252 here, as most servers do)"),
    "EXPN": ("EXPN <list>", "Expand a mailing list (disabled here: answered 252, as RFC 5321 asks)"),
    "HELP": ("HELP [command]", "List the commands, or explain one"),
    "STARTTLS": ("STARTTLS", "Switch the connection to TLS (if EHLO lists STARTTLS); then EHLO again"),
    "AUTH": ("AUTH mechanism [initial-response]", "Log in (if EHLO lists AUTH), e.g. AUTH PLAIN or AUTH LOGIN"),
})
"""Per-command HELP text: (usage, one-line summary)."""


def make_reply(key: str, /, **fields: object) -> Reply:
    """Build the catalogue reply ``key``, filling its template with ``fields``, and keep
    ``fields`` in the reply (a template may leave some out: they are facts all the same).

    String fields taken from client input must already be passed through :func:`quote`.
    Raises KeyError for a key that is not in the catalogue.
    """
    if not fields and key in _FIXED:
        return _FIXED[key]
    spec = CATALOGUE[key]
    text = spec.template.format(**fields)
    # fields is this call's own dict: the proxy makes it read-only without a copy
    return Reply(spec.code, spec.enhanced, tuple(text.split("\n")), key,
                 MappingProxyType(fields))


_FIXED: Final[Mapping[str, Reply]] = MappingProxyType({
    key: Reply(spec.code, spec.enhanced, tuple(spec.template.split("\n")), key)
    for key, spec in CATALOGUE.items() if not spec.fields
})
"""Replies without placeholders, built once (NOOP, RSET, 354... are sent very often)."""
