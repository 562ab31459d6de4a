"""Completion that knows the SMTP grammar: verbs, then argument shapes, then addresses.

``MAIL `` offers ``FROM:<``; inside the brackets the addresses used before; after ``>``
the parameters EHLO advertised (SIZE=, BODY=, SMTPUTF8). Lines starting with ``:`` complete
the console's meta-commands and their arguments. :func:`suggestions` is pure and tested
directly; :class:`SmtpCompleter` adapts it to prompt_toolkit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from simulator.faces.prompt.lexer import VERBS
from simulator.faces.prompt.spec import MetaSpec
from simulator.lessons.ui import text
from simulator.protocol.lazyre import lazy
from simulator.protocol.replies import CATALOGUE

HELO_DOMAINS: Final = ("client.example", "localhost", "[127.0.0.1]")
EXAMPLE_ADDRESSES: Final = ("alice@example.org", "bob@example.net")
MAIL_PARAMETERS: Final = ("SIZE=", "BODY=7BIT", "BODY=8BITMIME", "SMTPUTF8")
HEADERS: Final = ("Subject: ", "From: ", "To: ", "Date: ", "Message-ID: ")
CODES: Final = tuple(sorted({str(spec.code) for spec in CATALOGUE.values()}))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Replace the last ``replace`` characters before the cursor with ``text``."""

    text: str
    replace: int
    meta: str = ""


@dataclass(frozen=True, slots=True)
class CompletionContext:
    """What the completer needs to know about the session right now."""

    in_data: bool = False
    addresses: Sequence[str] = EXAMPLE_ADDRESSES
    """Addresses for VRFY, and for MAIL/RCPT when no sender/recipient list is given."""
    senders: Sequence[str] | None = None
    """Senders the server accepted in this session (MAIL FROM offers these first)."""
    recipients: Sequence[str] | None = None
    """Recipients the server accepted (RCPT TO offers these first)."""
    lang: str = "en"
    metas: Sequence[MetaSpec] = ()
    """The face's own ``:`` commands."""


def _starting(prefix: str, options: Iterable[str], meta: Callable[[str], str] | None = None,
              ) -> list[Suggestion]:
    folded = prefix.casefold()
    return [Suggestion(option, len(prefix), meta(option) if meta else "")
            for option in options if option.casefold().startswith(folded) and option != prefix]


def suggestions(before_cursor: str, context: CompletionContext) -> list[Suggestion]:
    """Completions for the text left of the cursor (one line)."""
    if before_cursor.startswith(":"):
        return _meta_suggestions(before_cursor, context.metas)
    if context.in_data:
        return _starting(before_cursor, HEADERS) if before_cursor else []
    verb, _, argument = before_cursor.partition(" ")
    if not _:
        return _starting(verb, VERBS, lambda v: _verb_meaning(v, context.lang))
    return _argument_suggestions(verb.upper(), argument, context)


def _argument_suggestions(verb: str, argument: str, context: CompletionContext,
                          ) -> list[Suggestion]:
    if verb in ("HELO", "EHLO"):
        return _starting(argument, HELO_DOMAINS)
    if verb == "HELP":
        return _starting(argument, VERBS)
    if verb == "VRFY":
        return _starting(argument, context.addresses)
    keyword = {"MAIL": "FROM:<", "RCPT": "TO:<"}.get(verb)
    if keyword is None:
        return []
    if not argument.upper().startswith(keyword[:-1]):
        return _starting(argument, (keyword,))
    path_and_rest = argument[len(keyword) - 1:]
    if ">" not in path_and_rest:
        return _paths(verb, path_and_rest, context)
    if verb != "MAIL":
        return []
    params = path_and_rest.split(">", 1)[1]
    if not params.startswith(" "):
        return []
    current = params.rsplit(" ", 1)[-1]
    done = params[: len(params) - len(current)]
    used = {word.split("=")[0].upper() for word in done.split()}
    options = [p for p in MAIL_PARAMETERS if p.rstrip("=").split("=")[0] not in used]
    return _starting(current, options)


def _paths(verb: str, typed: str, context: CompletionContext) -> list[Suggestion]:
    """Whole ``<address>`` arguments (the bracket typed or not), each with where it is from:
    accepted earlier in this session, or an example; MAIL also offers the null path <>."""
    accepted = context.senders if verb == "MAIL" else context.recipients
    kind = "sender" if verb == "MAIL" else "recipient"
    seen = list(accepted or ())
    options = [(f"<{a}>", text(f"complete.accepted-{kind}", context.lang)) for a in seen]
    options += [(f"<{a}>", text("complete.example", context.lang))
                for a in (context.addresses if accepted is None else EXAMPLE_ADDRESSES)
                if a not in seen]
    if verb == "MAIL":
        options.append(("<>", text("complete.null-path", context.lang)))  # RFC 5321 §4.5.5
    folded = ("<" + typed.removeprefix("<")).casefold()
    return [Suggestion(option, len(typed), meta) for option, meta in options
            if option.casefold().startswith(folded) and option != typed]


def _meta_suggestions(before_cursor: str, specs: Sequence[MetaSpec]) -> list[Suggestion]:
    name, space, argument = before_cursor.partition(" ")
    if not space:
        return _starting(name, (f":{spec.name}" for spec in specs))
    if " " in argument:
        return []
    spec = next((s for s in specs if f":{s.name}" == name.lower()), None)
    if spec is None:
        return []
    if spec.name == "explain":
        return _starting(argument, CODES)
    return _starting(argument, spec.choices)


_SPACES: Final = lazy(r"\s+")


class SmtpCompleter(Completer):
    """prompt_toolkit completer over :func:`suggestions`; the context is asked each time."""

    def __init__(self, context: Callable[[], CompletionContext]) -> None:
        self._context = context

    def get_completions(self, document: Document, complete_event: CompleteEvent,
                        ) -> Iterable[Completion]:
        before = document.current_line_before_cursor
        if _SPACES.fullmatch(before):
            return
        for item in suggestions(before, self._context()):
            yield Completion(item.text, start_position=-item.replace, display_meta=item.meta)


def _verb_meaning(verb: str, lang: str) -> str:
    """What a command does, in the learner's language (shown beside it in the menu)."""
    return text(f"complete.verb-{verb.lower()}", lang)
