"""A bounce explained: for each failed recipient, the reply in plain words, who refused it,
whether to retry, and what to fix, in the learner's language.

The words come from the same data as ``smtp-sim explain CODE``: a reply code with its
enhanced code reads as a pair when the lessons have one (``550 5.1.1``), else the code and
the enhanced code each (an enhanced code without an entry falls back to its subject,
``5.4.x``). The sentences around them are ``bounce.*`` in ``ui.LANG.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from simulator.protocol.escape import show_typed

from .bounces import Bounce, Failure
from .entries import (
    UnknownCodeError,
    code_entry,
    enhanced_entry,
    first_class,
    pair_entry,
)
from .ui import text

TEXT_KINDS = ("gmail", "microsoft", "report")
"""Reports read from their words for people, which quote the receiving server's reply."""
SHOWN_LIMIT = 600
"""Characters of a quoted server reply shown (a report may quote a long one)."""
MICROSOFT_CODES = {"5.1.10": 550}
"""Enhanced codes Microsoft 365 sends with its own meaning, and the reply code that meaning
goes with: Microsoft's documented list of Exchange Online NDR codes gives 5.1.10 to
RESOLVER.ADR.RecipientNotFound (sent as 550), while RFC 7505 §4 registers 5.1.10 for a
null MX (sent as 556). A Microsoft report that quotes only the status is read so."""


@dataclass(frozen=True, slots=True)
class RecipientView:
    """One failed recipient, explained."""

    recipient: str
    action: str
    status: str
    code: int | None
    said: str
    """The server's reply as the report quotes it, escaped for a screen."""
    title: str
    """``550 5.1.1 Mailbox does not exist``: the reply named by the lessons."""
    meaning: str
    who: str
    retry: str
    fix: str
    retry_later: bool
    """True when the same message may still get through (a 4.x.x, or Action: delayed)."""


@dataclass(frozen=True, slots=True)
class BounceView:
    """The whole report explained."""

    lang: str
    kind: str
    summary: str
    reporting_mta: str
    hops: tuple[str, ...]
    route: str
    recipients: tuple[RecipientView, ...]


def explain_bounce(bounce: Bounce, lang: str) -> BounceView:
    """``bounce`` explained in ``lang``."""
    reporter = show_typed(bounce.reporting_mta, limit=200)
    hops = tuple(show_typed(hop, limit=200) for hop in bounce.hops)
    summary = text(f"bounce.kind-{bounce.kind}", lang, reporter=reporter or "?",
                   count=len(bounce.failures))
    route = text("bounce.route", lang, hops="; ".join(hops)) if hops else ""
    views = tuple(_recipient(failure, bounce, lang) for failure in bounce.failures)
    return BounceView(lang, bounce.kind, summary, reporter, hops, route, views)


def _recipient(failure: Failure, bounce: Bounce, lang: str) -> RecipientView:
    as_sent = MICROSOFT_CODES.get(failure.status) if bounce.kind == "microsoft" else None
    read_as = replace(failure, code=as_sent) if as_sent and failure.code is None else failure
    title, meaning, fix = _reply_words(read_as, lang)
    later = _class(failure) == 4 or failure.action == "delayed"
    recipient = show_typed(failure.recipient, limit=200) or text("bounce.whole-message", lang)
    return RecipientView(recipient, failure.action, failure.status, failure.code,
                         show_typed(failure.diagnostic, limit=SHOWN_LIMIT), title, meaning,
                         _who(failure, bounce, lang), _retry(failure, bounce, lang), fix, later)


def _class(failure: Failure) -> int:
    """The first digit: of the reply code, else of the enhanced status code."""
    if failure.code is not None:
        return failure.code // 100
    return int(failure.status[0]) if failure.status[:1].isdigit() else 5


def _reply_words(failure: Failure, lang: str) -> tuple[str, str, str]:
    """(title, meaning, fix) from the lessons: the pair's entry, or the code's and the
    enhanced code's, or only the class digit's."""
    code, status = failure.code, failure.status
    if code is not None and status:
        try:
            pair = pair_entry(code, status, lang)
            return pair.heading, pair.description, pair.fix
        except UnknownCodeError:
            pass
    detail = _enhanced_words(status, lang)
    if code is not None:
        try:
            entry = code_entry(code, lang)
        except UnknownCodeError:
            entry = None
        if entry is not None:
            title = entry.heading + (f" · {detail[0]}" if detail else "")
            meaning = entry.description + (f"\n{detail[1]}" if detail else "")
            return title, meaning, entry.fix
    klass = first_class(_class(failure), lang)
    if detail:
        return detail[0], detail[1], ""
    return f"{klass.name} {klass.title}", klass.description, ""


def _enhanced_words(status: str, lang: str) -> tuple[str, str] | None:
    """(heading, description) of an enhanced code, or of its subject (``5.4.x``)."""
    if not status:
        return None
    try:
        entry = enhanced_entry(status, lang)
        return entry.heading, entry.description
    except UnknownCodeError:
        pass
    cls, _, rest = status.partition(".")
    subject = rest.partition(".")[0]
    try:
        general = enhanced_entry(f"{cls}.{subject}.0", lang)
    except UnknownCodeError:
        return None
    return f"{status} ({cls}.{subject}.x) {general.title}", general.description


def _who(failure: Failure, bounce: Bounce, lang: str) -> str:
    """Which hop refused: the remote MTA, the reporting one, or swaks' peer."""
    reporter = show_typed(bounce.reporting_mta, limit=200)
    remote = show_typed(failure.remote_mta, limit=200)
    if bounce.kind == "swaks":
        return text("bounce.who-swaks", lang, host=reporter or "?")
    if remote:
        return text("bounce.who-remote", lang, remote=remote, reporter=reporter or "?")
    if bounce.kind in TEXT_KINDS:  # the text quotes "the remote server" without naming it
        return text("bounce.who-remote-unnamed", lang, reporter=reporter or "?")
    if reporter:
        return text("bounce.who-reporter", lang, reporter=reporter)
    return text("bounce.who-unknown", lang)


def _retry(failure: Failure, bounce: Bounce, lang: str) -> str:
    """Whether anything will or should be tried again (RFC 5321 §4.5.4.1, RFC 3464 §2.3.3)."""
    if bounce.kind == "swaks":
        return text("bounce.retry-swaks-4" if _class(failure) == 4 else "bounce.retry-swaks-5",
                    lang)
    if failure.action == "delayed":
        return text("bounce.retry-delayed", lang)
    if _class(failure) == 4:
        return text("bounce.retry-gave-up", lang)
    return text("bounce.retry-permanent", lang)
