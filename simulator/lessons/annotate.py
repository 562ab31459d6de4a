"""Annotations: what a reply means, why this input produced it, and what to do next.

For a reply of the built-in engine the explanation comes from the reply *key*
(``keys.LANG.toml``), with placeholders filled from the Exchange (its verb, and the facts
the reply was built from, ``Reply.fields``): two 500s for different reasons get different
lessons. A reply from another server has no key, so the explanation
falls back to the reply code and the enhanced status code (RFC 3463).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from simulator.protocol.auth import MASK
from simulator.protocol.escape import show_bytes

from .entries import (
    ENHANCED_RE,
    UnknownCodeError,
    code_entry,
    enhanced_entry,
    first_class,
    pair_entry,
    second_class,
    state_name,
)
from .load import Library, default_library
from .templates import fill

if TYPE_CHECKING:  # the engine is imported only when a reply is annotated: `explain` is faster
    from ..protocol.events import Exchange

KEY_FIELDS: Final = ("why", "fix", "rfc")
"""The fields of one ``keys.LANG.toml`` entry."""
KEY_TITLE: Final = "title"
"""An optional field of a key's entry: the reply's title when the code's own would mislead
(530 for STARTTLS is no "authentication required"; 550 5.5.2 after the dot is no mailbox)."""

PLACEHOLDERS: Final = ("verb", "argument", "line", "code", "host", "state", "limit",
                       "challenge", "challenge_b64", "decoded")
"""The placeholders a key's ``why`` and ``fix`` may use (see :func:`exchange_fields`)."""

SHOWN_VERB: Final = 30
SHOWN_ARGUMENT: Final = 60
SHOWN_LINE: Final = 80
"""How much of the learner's input an explanation quotes, so it stays readable."""


@dataclass(frozen=True, slots=True)
class Annotation:
    """The explanation shown under one reply."""

    code: int
    enhanced: str | None
    key: str | None
    title: str
    """``500 Syntax error: command not recognized``: the code and its title."""
    meaning: str
    """What the class means: ``5xx: permanent failure; ...``."""
    why: str
    fix: str
    rfc: str | None
    lang: str
    enhanced_title: str | None = None
    """``5.5.2 Syntax error``: the enhanced code and its title, when known."""
    see: str = ""
    """The command that shows the full entry of the code (``smtp-sim explain 500``)."""


def annotate(exchange: Exchange, lang: str = "en", *, host: str | None = None,
             library: Library | None = None) -> Annotation:
    """Explain the reply of ``exchange`` from its key, in terms of what the learner typed.

    ``host`` is the server's name for ``{host}``; by default the one the reply was built
    with, or the default policy's hostname.
    """
    lib = library if library is not None else default_library()
    reply = exchange.reply
    base = _from_code(reply.code, reply.enhanced, lang, lib)
    entry = _rule_entry(exchange, lang) or lib.document("keys", lang).get(reply.key)
    if not isinstance(entry, Mapping):
        return dataclasses.replace(base, key=reply.key)
    fields = exchange_fields(exchange, host=host, lang=lang, library=lib)
    return _undeclared_8bit(_with_key_entry(base, reply.key, entry, fields), exchange)


def annotate_key(key: str, code: int, enhanced: str | None, fields: Mapping[str, str],
                 lang: str = "en", *, library: Library | None = None) -> Annotation:
    """Explain the catalogue's reply ``key`` without a session (``smtp-sim explain KEY``):
    its entry in ``keys.LANG.toml``, the placeholders filled from ``fields`` (stand-ins for
    what a learner would have typed)."""
    lib = library if library is not None else default_library()
    base = _from_code(code, enhanced, lang, lib)
    entry = lib.document("keys", lang).get(key)
    if not isinstance(entry, Mapping):
        return dataclasses.replace(base, key=key)
    return _with_key_entry(base, key, entry, fields)


def _with_key_entry(base: Annotation, key: str, entry: Mapping[str, object],
                    fields: Mapping[str, str]) -> Annotation:
    """The code's annotation ``base`` told by the key's own entry: why, fix, rule, title."""
    why, fix, rfc = (str(entry.get(name, "")).strip() for name in KEY_FIELDS)
    title = str(entry.get(KEY_TITLE, "")).strip()
    return dataclasses.replace(
        base, key=key, title=f"{base.code} {title}" if title else base.title,
        why=fill(why, fields) if why else base.why,
        fix=fill(fix, fields) if fix else base.fix,
        rfc=rfc or base.rfc,
    )


def _undeclared_8bit(annotation: Annotation, exchange: Exchange) -> Annotation:
    """An accepted message with 8-bit text the client never declared gets a note for each
    part: raw UTF-8 in a header needs SMTPUTF8 or RFC 2047 encoded-words (RFC 6532), an
    8-bit body needs ``BODY=8BITMIME`` (RFC 6152), whether SMTPUTF8 was given or not."""
    message = exchange.message
    if message is None or not message.undeclared_8bit:
        return annotation
    from .ui import text

    notes = [(text(key, annotation.lang), rfc) for key, rfc, found in (
        ("explain.undeclared-8bit-header", "RFC 6532 §3", message.undeclared_8bit_header),
        ("explain.undeclared-8bit", "RFC 6152 §3", message.undeclared_8bit_body)) if found]
    why = "\n".join([annotation.why, *(note for note, _ in notes)])
    rfcs = ", ".join(rfc for _, rfc in notes)
    return dataclasses.replace(annotation, why=why,
                               rfc=f"{annotation.rfc}, {rfcs}" if annotation.rfc else rfcs)


def _rule_entry(exchange: Exchange, lang: str) -> Mapping[str, str] | None:
    """A scenario rule's own explanation of its reply (``[rule.explain.LANG]``), if any."""
    rule = exchange.rule
    if rule is None or exchange.reply.key != rule.key:
        return None  # a rule that only delayed: the engine's reply keeps its lesson
    for explanation in rule.explain:
        if explanation.lang == lang:
            return {"why": explanation.why, "fix": explanation.fix}
    return None


def annotate_reply(code: int, enhanced: str | None, text: str, lang: str = "en", *,
                   after: str = "", library: Library | None = None) -> Annotation:
    """Explain a reply from another server (no key): from the code and the enhanced code.

    When ``enhanced`` is None it is looked for at the start of ``text`` (``5.1.1 User
    unknown``), as servers announcing ENHANCEDSTATUSCODES put it there (RFC 2034 §4).
    ``after`` is the verb of the command the reply answers (``MAIL``, ``DOT`` for the final
    dot): when ``[after.VERB.CODE]`` explains that pair, its text is used (a 250 after MAIL
    FROM is the sender accepted, a 550 after RCPT TO a refused recipient).
    """
    lib = library if library is not None else default_library()
    if enhanced is None:
        enhanced = _enhanced_in_text(code, text)
    base = _after_command(_from_code(code, enhanced, lang, lib), after, lang, lib)
    if enhanced is None:
        return base
    try:
        pair = pair_entry(code, enhanced, lang, library=lib)
    except UnknownCodeError:
        pass
    else:
        return dataclasses.replace(base, why=f"{pair.description}\n{base.why}".strip())
    try:
        detail = enhanced_entry(enhanced, lang, library=lib)
    except UnknownCodeError:
        return base
    why = f"{base.why}\n{detail.heading}: {detail.description}".strip()
    return dataclasses.replace(base, why=why)


def _after_command(base: Annotation, after: str, lang: str, lib: Library) -> Annotation:
    """``base`` with the why and fix of ``[after.VERB.CODE]``, when there is one."""
    verbs = lib.table("codes", lang, "after")
    entry = verbs.get(after.upper(), {}).get(str(base.code)) if after else None
    if not isinstance(entry, Mapping):
        return base
    return dataclasses.replace(base, why=str(entry["why"]).strip(),
                               fix=str(entry["fix"]).strip())


def _enhanced_in_text(code: int, text: str) -> str | None:
    words = text.split(maxsplit=1)
    match = ENHANCED_RE.fullmatch(words[0]) if words else None
    if match is None or match.group(1) != str(code)[:1]:
        return None  # RFC 3463 §2: the class digit repeats the reply's first digit
    return words[0]


def _from_code(code: int, enhanced: str | None, lang: str, lib: Library) -> Annotation:
    """The annotation that the code alone gives: the entry of the code + enhanced pair
    (``550 5.1.1``) when there is one, else the code's entry, else its class digits."""
    enhanced_title = None
    if enhanced is not None:
        try:
            enhanced_title = enhanced_entry(enhanced, lang, library=lib).heading
        except UnknownCodeError:
            enhanced_title = None
    try:
        entry = code_entry(code, lang, library=lib)
    except UnknownCodeError:
        return _from_class(code, enhanced, enhanced_title, lang, lib)
    see = f"smtp-sim explain {code}"
    try:
        pair = pair_entry(code, enhanced or "", lang, library=lib)
    except UnknownCodeError:
        return Annotation(code, enhanced, None, entry.heading, entry.meaning, entry.when,
                          entry.fix, entry.rfc or None, lang, enhanced_title, see)
    return Annotation(code, enhanced, None, entry.heading, entry.meaning, pair.when, pair.fix,
                      pair.rfc or None, lang, f"{pair.enhanced} {pair.title}",
                      f"{see} {pair.enhanced}")


def _from_class(code: int, enhanced: str | None, enhanced_title: str | None, lang: str,
                lib: Library) -> Annotation:
    """A code without an entry (``599``, ``432``): explain its two class digits."""
    first_digit, second_digit = code // 100, code // 10 % 10
    if not (1 <= first_digit <= 5 and second_digit <= 5):
        return Annotation(code, enhanced, None, str(code), "", "", "", None, lang,
                          enhanced_title)
    first = first_class(first_digit, lang, library=lib)
    second = second_class(second_digit, lang, library=lib)
    return Annotation(code, enhanced, None, f"{code} {first.title}",
                      f"{first.name}: {first.meaning}",
                      f"{second.name} {second.title}: {second.description}",
                      first.description, None, lang, enhanced_title)


def exchange_fields(exchange: Exchange, *, host: str | None = None, lang: str | None = None,
                    library: Library | None = None) -> dict[str, str]:
    """The placeholder values for one Exchange, every piece of client input escaped.

    ``verb`` is the verb the engine read (``MAIL``), else the first word as typed;
    ``argument`` the rest of the line;
    ``line`` the whole line; ``limit`` the limit the reply is about, else empty (``host``
    and ``limit`` are the reply's own fields, as the engine or the rule filled them);
    ``state`` the state's name, as ``lang``'s ``[states]`` table words it when given.
    for AUTH replies, ``challenge_b64`` and ``challenge`` the 334 text and what it decodes
    to, ``decoded`` what the learner's base64 decodes to (the learner's own screen only).
    """
    raw = exchange.line.removesuffix(b"\n").removesuffix(b"\r").strip(b" ")
    word, _, rest = raw.partition(b" ")
    reply = exchange.reply
    verb = exchange.verb.value.encode() if exchange.verb is not None else word
    return {
        "verb": show_bytes(verb, limit=SHOWN_VERB),
        "argument": show_bytes(rest.strip(b" "), limit=SHOWN_ARGUMENT),
        "line": show_bytes(raw, limit=SHOWN_LINE),
        "code": str(reply.code),
        "host": host or reply.fact("host") or _default_hostname(),
        "state": (state_name(exchange.state_before.value, lang, library=library)
                  if lang else exchange.state_before.value),
        "limit": reply.fact("limit"),
        **_auth_fields(exchange, raw),
    }


def _auth_fields(exchange: Exchange, raw: bytes) -> dict[str, str]:
    """The base64 of an AUTH step, decoded: base64 is an encoding, not encryption."""
    reply = exchange.reply
    if not reply.key.startswith("auth."):
        return {"challenge": "", "challenge_b64": "", "decoded": ""}
    challenge = reply.lines[0] if reply.code == 334 else ""
    words = raw.split()
    auth_line = exchange.verb is not None and exchange.verb.value == "AUTH"
    sent = words[-1] if words and (not auth_line or len(words) > 2) else b""
    return {
        "challenge": show_bytes(_unbase64(challenge.encode()), limit=SHOWN_ARGUMENT),
        "challenge_b64": show_bytes(challenge.encode(), limit=SHOWN_ARGUMENT),
        # A masked line (a shared transcript) stays masked: it decodes to nothing to show.
        "decoded": "****" if sent == MASK else show_bytes(_unbase64(sent), limit=SHOWN_ARGUMENT),
    }


def _unbase64(text: bytes) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def _default_hostname() -> str:
    from ..protocol.policy import Policy

    return Policy().hostname
