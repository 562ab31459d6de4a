"""The 221 that names a student's progress: ``serve --lesson``'s goodbye.

The driver asks the class's tutor how far the student got, then swaps the plain 221 for
this one; the engine stays sans-IO (the numbers are handed in, like the clock), and the
reply stays a real reply: the same code, enhanced code and meaning, only its text says
more (RFC 5321 §4.2: the text after the code is free for the server to choose).
"""

from __future__ import annotations

import dataclasses
from typing import Final

from .escape import quote
from .events import Exchange
from .replies import make_reply

QUIT: Final = "session.quit"
WITH_PROGRESS: Final = "session.quit-lesson"
QUIT_KEYS: Final = frozenset({QUIT, WITH_PROGRESS})
"""Both goodbyes to QUIT: the client asked to end (a screen says "the client said QUIT")."""


def with_progress(exchange: Exchange, *, host: str, lesson: str, done: int,
                  total: int) -> Exchange:
    """``exchange``, the 221 to QUIT, with a text naming ``done`` of ``total`` steps of
    ``lesson`` (echoed safely: printable ASCII only); any other Exchange as it is."""
    if exchange.reply.key != QUIT:
        return exchange
    reply = make_reply(WITH_PROGRESS, host=host, lesson=quote(lesson, 40), done=done,
                       total=total)
    return dataclasses.replace(exchange, reply=reply)
