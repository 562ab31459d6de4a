"""Near misses: the strict 500 on the wire, and the explanation names the likely verb."""

from __future__ import annotations

import pytest

from simulator.client.connection import Step
from simulator.client.local import LocalConnection
from simulator.client.nearmiss import distance, suggest
from simulator.client.script import play
from simulator.protocol import Policy
from simulator.render.transcript import format_text
from simulator.server.store import MemoryStore


@pytest.mark.parametrize(("typed", "verb"), [
    ("EHLLO", "EHLO"), ("MIAL", "MAIL"), ("rctp", "RCPT"), ("HELOO", "HELO"), ("DTAA", "DATA"),
    ("QUITT", "QUIT"), ("XYZZY", None), ("EHLO", None), ("中文", None), ("HEL", None),
    ("QUT", "QUIT"), ("NOP", "NOOP"), ("EHHLOO", "EHLO"),
    # two edits in a short word are another word: POP3's USER and RETR, not RSET
    ("USER", None), ("RETR", None), ("TEST", None), ("FOO", None), ("SAML", None),
])
def test_suggest(typed: str, verb: str | None) -> None:
    assert suggest(typed) == verb


def test_a_swap_is_one_edit() -> None:
    assert distance("MIAL", "MAIL") == 1 and distance("RCTP", "RCPT") == 1


async def test_the_wire_stays_strict_and_the_explanation_helps() -> None:
    events, _ = await play([b"EHLLO a.example", b"MIAL FROM:<a@b.example>"],
                           connect=lambda: LocalConnection(policy=Policy(), store=MemoryStore()))
    out = format_text(events, "en", color=False)
    assert '<** 500 5.5.2 Syntax error: command "EHLLO" not recognized' in out
    assert "Why: Did you mean EHLO?" in out and "Why: Did you mean MAIL?" in out
    codes = [a.code for e in events if isinstance(e, Step) for a in e.answers]
    assert codes == [220, 500, 500]


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "Why: Did you mean EHLO? The server read"),
    ("zh", "原因：你是想输入 EHLO 吗？服务器把"),  # no space after a full-width "？"
])
async def test_the_guess_joins_the_explanation_as_the_language_writes(lang: str,
                                                                       said: str) -> None:
    events, _ = await play([b"EHLLO a.example"],
                           connect=lambda: LocalConnection(policy=Policy(), store=MemoryStore()))
    assert said in format_text(events, lang, color=False)
