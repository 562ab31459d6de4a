"""The command reader: one framed line -> its verb, then its command and the state after it.

Beside it are the other input modes' readers: message text (in session.py) and the 334
dialogue of AUTH (auth.py). Checks come in the order a strict server applies them: framing,
the verb, the characters, the TLS/AUTH gates, the sequence (state.py's table), the arguments.
"""

from __future__ import annotations

from .commands import Command, fail, only_path_is_utf8, parse_arguments, split_verb
from .framing import TLS_HANDSHAKE_RECORD, CommandLine, framing_error
from .policy import Policy
from .security import Security, offered
from .state import State, Verb, next_state


def split_line(line: CommandLine, policy: Policy) -> tuple[Verb, str]:
    """Check the framing and the characters, then find the verb (502 if not offered)."""
    if line.raw.startswith(TLS_HANDSHAKE_RECORD):
        raise fail("tls.spoken-on-plain-port", host=policy.hostname)
    problem = framing_error(line, accept_bare_lf=policy.accept_bare_lf)
    if problem is not None:
        raise fail(problem)
    verb, argument = split_verb(line.content.decode("utf-8", errors="surrogateescape"))
    if not offered(policy, verb):
        raise fail("syntax.not-implemented", verb=verb.value)
    return verb, argument


def parse_line(verb: Verb, argument: str, *, state: State, security: Security,
               smtputf8: bool) -> tuple[Command, State]:
    """Check the characters, the gates, the sequence, then the arguments."""
    if not argument.isascii() and not only_path_is_utf8(verb, argument):
        # RFC 5321 §2.4: commands are ASCII; only SMTPUTF8 paths may carry UTF-8 (RFC 6531).
        raise fail("syntax.non-ascii", verb=verb.value)
    security.check(verb)  # 530 before STARTTLS or AUTH, 538 for AUTH in the clear
    after = next_state(state, verb)
    if isinstance(after, str):
        raise fail(after)
    return parse_arguments(verb, argument, smtputf8=smtputf8), after
