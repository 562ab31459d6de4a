"""Playing ``run`` scripts: narration, script meta-commands and refused ``:`` lines as the
player reads them, and what playing them sends and shows (the reader itself:
tests/lessons/test_script.py)."""

from __future__ import annotations

import pytest
import trio

from simulator.client.connection import Step
from simulator.client.local import LocalConnection
from simulator.client.script import (
    Meta,
    Note,
    Notice,
    Refused,
    Send,
    parse_line,
    play,
)
from simulator.protocol import Policy
from simulator.server.store import MemoryStore


def _connect() -> LocalConnection:
    return LocalConnection(policy=Policy(), store=MemoryStore())


@pytest.mark.parametrize(("line", "item"), [
    (b"# say hello first", Note("say hello first")),
    (b"  #no space", Note("no space")),
    (b":eol LF", Meta("eol", "lf")),
    (b":pause 1.5", Meta("pause", "1.5")),
    (b":reconnect", Meta("reconnect")),
    (b":lang zh", Meta("lang", "zh")),
    (b":save out.md", Refused(":save out.md", "script.unknown-meta")),
    (b":eol cr", Refused(":eol cr", "script.bad-arg")),
    (b":pause forever", Refused(":pause forever", "script.bad-arg")),
    (b":pause nan", Refused(":pause nan", "script.bad-arg")),
    (b"EHLO a.example", Send(b"EHLO a.example")),
])
def test_each_kind_of_line(line: bytes, item: object) -> None:
    assert parse_line(Send(line), in_data=False) == item


def test_in_data_a_colon_line_is_message_text_unless_a_script_command() -> None:
    assert parse_line(Send(b":-) see you"), in_data=True) == Send(b":-) see you")
    assert parse_line(Send(b":eol crlf"), in_data=True) == Meta("eol", "crlf")


async def test_notes_meta_and_refusals_are_events_not_sends(autojump_clock: object) -> None:
    script = [b"# greet", b"EHLO a.example", b":save x", b":eol lf", b"NOOP", b":eol crlf",
              b":pause 30", b"QUIT", b"NOOP", b":reconnect", b"EHLO b.example"]
    start = trio.current_time()
    events, outcome = await play(script, connect=_connect)
    assert trio.current_time() - start == pytest.approx(30)
    sent = [e.sent for e in events if isinstance(e, Step) and e.sent is not None]
    assert sent == [b"EHLO a.example\r\n", b"NOOP\n", b"QUIT\r\n", b"EHLO b.example\r\n"]
    assert events[1] == Note("greet")
    notices = [e.key for e in events if isinstance(e, Notice)]
    assert notices == ["script.unknown-meta", "console.eol-lf", "console.eol-crlf",
                       "script.pause", "console.reconnected"]
    assert outcome.unsent == 1 and not outcome.in_data


async def test_a_script_that_stops_in_data() -> None:
    _, outcome = await play([b"EHLO a", b"MAIL FROM:<a@b.example>", b"RCPT TO:<c@d.example>",
                             b"DATA", b"hello"], connect=_connect)
    assert outcome.in_data and outcome.unsent == 0


async def test_a_pipelined_group_is_one_write_with_its_replies_in_order() -> None:
    """RFC 2920: ``:pipeline`` ... ``:end`` send the lines between in one write."""
    events, outcome = await play([b"EHLO a.example", b":PIPELINE", b"MAIL FROM:<a@b.example>",
                                  b"RCPT TO:<c@d.example>", b"DATA", b":end", b"hi", b"."],
                                 connect=_connect)
    steps = [e for e in events if isinstance(e, Step) and e.sent is not None]
    assert steps[1].sent == b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"
    assert [a.code for a in steps[1].answers] == [250, 250, 354]
    assert steps[-1].answers[0].code == 250 and outcome.unsent == 0 and not outcome.in_data
    assert [e.key for e in events if isinstance(e, Notice)] == ["console.pipeline-on"]


async def test_a_group_the_file_never_ends_is_never_sent_and_said() -> None:
    events, outcome = await play([b"EHLO a.example", b":pipeline", b"NOOP", b"NOOP"],
                                 connect=_connect)
    assert [e.sent for e in events if isinstance(e, Step)] == [None, b"EHLO a.example\r\n"]
    assert events[-1] == Notice("run.pipeline-open", (("count", "2"),))
    assert outcome.held == 2

class _Mute(LocalConnection):
    """A server that greets and answers, except that NOOP gets no reply (a remote server that
    hangs, or one that sends half a reply)."""

    async def send(self, data: bytes) -> Step:
        if data.startswith(b"NOOP"):
            return Step(data, ())
        return await super().send(data)


async def test_a_command_the_server_does_not_answer_is_said() -> None:
    """``run --connect`` to a server that never answered showed the line sent and nothing
    else, then exited 0, as if all was well (held-out attack on issue 18); the console says
    no-reply in the same case."""
    events, _ = await play([b"EHLO a.example", b"NOOP", b"QUIT"],
                           connect=lambda: _Mute(policy=Policy(), store=MemoryStore()))
    notices = [e.key for e in events if isinstance(e, Notice)]
    assert notices == ["console.no-reply"]
    position = next(i for i, e in enumerate(events) if isinstance(e, Notice))
    assert getattr(events[position - 1], "sent", None) == b"NOOP\r\n"


async def test_message_text_and_a_closed_session_are_not_said_as_unanswered() -> None:
    events, outcome = await play([b"EHLO a", b"MAIL FROM:<a@b.example>", b"RCPT TO:<c@d.example>",
                                  b"DATA", b"Subject: x", b"", b"text", b".", b"QUIT"],
                                 connect=_connect)
    assert not [e for e in events if isinstance(e, Notice)]
    assert outcome.unsent == 0
