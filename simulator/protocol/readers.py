"""The command reader: one framed line -> its verb, then its command.

Beside it are the other input modes' readers (session.READERS): message text
(messagetext.py) and the 334 dialogue of AUTH (auth.py). Checks come in the order a strict
server applies them: framing, the verb, whether it is offered, the characters, the TLS/AUTH
gates, the sequence (state.py's table), the arguments. The verb is known before the rest is
checked, so every Exchange past :func:`split_line` carries it, refused or not.
"""

from __future__ import annotations

import enum
from typing import Final

from .commands import (
    Command,
    ProtocolError,
    fail,
    only_path_is_utf8,
    parse_arguments,
    split_verb,
)
from .framing import TLS_HANDSHAKE_RECORD, CommandLine, framing_error, framing_fields
from .policy import Policy
from .security import Security, offered
from .state import OPTIONAL_VERBS, State, Verb, next_state


class Mode(enum.Enum):
    """What the next input is; the session picks its reader by it (``session.READERS``)."""

    __hash__ = object.__hash__  # as State's: looked up for every input

    COMMAND = "command"
    TEXT = "text"
    """The message text, between 354 and the lone ``.`` line (RFC 5321 §4.1.1.4)."""
    AUTH_ANSWER = "auth-answer"
    """A line answering AUTH's 334 (RFC 4954 §4): never a command, whatever it says."""


class NeedData(enum.Enum):
    """A reader's answer when the framer holds no complete input for it yet."""

    NEED_DATA = "need-data"


NEED_DATA: Final = NeedData.NEED_DATA


def split_line(line: CommandLine, policy: Policy) -> tuple[Verb, str]:
    """Check the framing, then find the verb and its argument text."""
    if line.raw.startswith(TLS_HANDSHAKE_RECORD):
        raise fail("tls.spoken-on-plain-port", host=policy.hostname)
    problem = framing_error(line, accept_bare_lf=policy.accept_bare_lf)
    if problem is not None:
        raise fail(problem, **framing_fields(line))
    return split_verb(line.content.decode("utf-8", errors="surrogateescape"))


def parse_line(verb: Verb, argument: str, *, state: State, policy: Policy,
               security: Security, smtputf8: bool) -> tuple[Command, State]:
    """Check that the verb is offered (502), the characters, the gates, the sequence, then
    the arguments. Returns the command and the state it leads to (state.py's table)."""
    if verb in OPTIONAL_VERBS and not offered(policy, verb):
        raise fail("syntax.not-implemented", verb=verb.value)
    if not argument.isascii() and not only_path_is_utf8(verb, argument):
        # RFC 5321 §2.4: commands are ASCII; only SMTPUTF8 paths may carry UTF-8 (RFC 6531).
        raise fail("syntax.non-ascii", verb=verb.value)
    security.check(verb)  # 530 before STARTTLS or AUTH, 538 for AUTH in the clear
    after = next_state(state, verb)
    if isinstance(after, str):
        raise fail(after)
    return parse_arguments(verb, argument, smtputf8=smtputf8), after


def command_of(line: str, *, smtputf8: bool = True) -> Command | None:
    """What a client's command line says, parsed as the engine parses it (its path, its
    parameters), whatever the state; None when the engine would refuse its syntax. For a
    screen that saw a line go to another server, which sends no Exchange back."""
    try:
        verb, argument = split_verb(line.rstrip("\r\n"))
        return parse_arguments(verb, argument, smtputf8=smtputf8)
    except ProtocolError:
        return None
