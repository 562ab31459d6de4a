"""Credentials masked in what a client sent, for every screen but the learner's own.

The rule is the engine's (:mod:`simulator.protocol.credentials`): each Exchange says whether
its line holds a credential. A client Step is one write, maybe several lines (``:pipeline``)
and their replies, so :class:`StepMasker` cuts the write into lines as the engine framed
them and takes each line's verdict from its Exchange. A line without one (a remote server,
``--connect``, or a line left unanswered when the server closed) gets the same rule run on
the client side: the lines in order and the reply code before each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Final

from simulator.client.connection import Answer, Step
from simulator.protocol import Exchange
from simulator.protocol.credentials import (
    VERDICTS,
    CredentialLines,
    is_auth_line,
    masked,
    shown_line,
)
from simulator.protocol.framing import RAW_KEEP
from simulator.protocol.lazyre import lazy

_ENGINE_LINE: Final = lazy(rb"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+")
"""A write cut where the engine ends a command line: CRLF, a bare LF, a bare CR."""
_END_OF_DATA: Final = b".\r\n"
_CHALLENGE: Final = 334
_GO_AHEAD: Final = 354


def _same_line(exchange: Exchange, line: bytes) -> bool:
    """The Exchange is the engine's for ``line`` (an over-long line keeps only its head)."""
    return exchange.line == line or (len(exchange.line) >= RAW_KEEP
                                     and line.startswith(exchange.line))


class StepMasker:
    """Masks the credentials in a sequence of client Steps, in order (the replies'
    Exchanges, which the explanations quote, are masked alike)."""

    def __init__(self) -> None:
        self._lines = CredentialLines()
        self._code = 0
        """The last reply code seen: after a 334, the next line answers it."""
        self._in_text = False
        """Between a 354 and the ``.`` line: message text, not commands."""

    def reset(self) -> None:
        """A new connection: no dialogue, no message text, nothing pending."""
        self._lines.reset()
        self._code, self._in_text = 0, False

    def step(self, step: Step) -> Step:
        """``step`` as a screen other than the learner's own shows it."""
        sent = None if step.sent is None else self._sent(step.sent, step.answers)
        answers = tuple(
            answer if answer.exchange is None
            else dataclasses.replace(answer, exchange=masked(answer.exchange))
            for answer in step.answers)
        if step.answers:
            self._code = step.answers[-1].code
        if sent == step.sent and answers == step.answers:
            return step
        return dataclasses.replace(step, sent=sent, answers=answers)

    def _sent(self, sent: bytes, answers: Sequence[Answer]) -> bytes:
        """Each line of a write masked by its Exchange's verdict, or by the rule run here."""
        replies = [a for a in answers if a.exchange is None or a.exchange.line]
        out: list[bytes] = []
        for line in _ENGINE_LINE.findall(sent):
            if self._in_text and line != _END_OF_DATA:
                out.append(line)  # message text: no reply, never a credential
                continue
            reply = replies.pop(0) if replies else None
            out.append(self._line(line, reply))
        return b"".join(out)

    def _line(self, line: bytes, reply: Answer | None) -> bytes:
        if self._in_text:  # the "." that ends the message text
            self._in_text, self._code = False, reply.code if reply else self._code
            return line
        guess = self._lines.secret(line, answering=self._code == _CHALLENGE)
        exchange = reply.exchange if reply is not None else None
        if exchange is not None and _same_line(exchange, line):
            secret = exchange.secret  # the engine parsed it: its word decides
        else:
            secret = guess or (exchange is not None and exchange.secret)
        if reply is not None:
            self._code, self._in_text = reply.code, reply.code == _GO_AHEAD
            if reply.code in VERDICTS:
                self._lines.settle()
        else:
            self._code = 0  # no reply yet: only the first line can answer a 334
        return shown_line(line, secret=secret)

    def typed(self, text: str, *, complete: bool = False) -> str:
        """A line being typed, as it may be shown so far; ``complete`` when it is typed out
        and waits to leave with the next ones (a pipelined group), so it counts for them."""
        raw = text.encode("utf-8", errors="surrogateescape")
        if complete:
            shown = self._line(raw, None)
        elif self._code == _CHALLENGE or self._lines.expecting:
            return "*" * len(text)  # it may be a credential, whatever it turns out to be
        else:
            shown = shown_line(raw, secret=is_auth_line(raw))
        return shown.decode("utf-8", errors="surrogateescape")
