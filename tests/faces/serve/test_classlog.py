"""serve's class feed (faces/serve/classlog.py): what one batch prints and what ``--log`` records,
and the work a batch does for them (one time stamp per batch; no ``--log`` records built
when there is no ``--log``)."""

from __future__ import annotations

import datetime
import io
import json

import pytest

import simulator.render.lessonlog as lessonlog
from simulator.faces.serve.classlog import ClassFeed, Item
from simulator.lessons.classmodel.messages import HUNG_UP
from simulator.lessons.classmodel.shared import SharedClass
from simulator.protocol import Policy, Session
from simulator.protocol.events import SessionEnd
from simulator.server import PeerExchange

PEER = "127.0.0.1:4242"
BODY = b"Subject: hello\r\n\r\nhi\r\n.\r\n"
CLASS = [b"EHLO pc.example\r\n", b"MAIL FROM:<ann@example.org>\r\n",
         b"RCPT TO:<bob@example.net>\r\n", b"DATA\r\n", BODY, b"QUIT\r\n"]


class Clock(datetime.datetime):
    """A wall clock that counts how often the log formats it."""

    formatted = 0

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        Clock.formatted += 1
        return super().isoformat(sep, timespec)

    def strftime(self, fmt: str) -> str:
        Clock.formatted += 1
        return super().strftime(fmt)


def clock() -> datetime.datetime:
    return Clock(2026, 12, 7, 9, 30, 5, 250_000, tzinfo=datetime.UTC)


def session_items(session_id: str = "S1", lines: list[bytes] = CLASS) -> list[Item]:
    session = Session(Policy(), peer=PEER, session_id=session_id)
    items: list[Item] = [PeerExchange(session_id, PEER, session.greeting())]
    for line in lines:
        items += [PeerExchange(session_id, PEER, e) for e in session.receive_data(line)]
    items.append(SessionEnd(session_id, PEER, session.state))
    return items


def test_a_batch_prints_one_line_per_exchange_with_the_batch_time() -> None:
    feed = ClassFeed(SharedClass(transcripts=False), clock=clock, monotonic=lambda: 1.0)
    text = feed.take(session_items())
    assert text.splitlines() == [
        "09:30:05 S1 127.0.0.1:4242  -> (connected)  <- 220 smtp-sim.localhost ESMTP smtp-sim "
        "ready (a teaching server; no mail leaves)",
        "09:30:05 S1 127.0.0.1:4242  -> EHLO pc.example  <- 250-smtp-sim.localhost Hello "
        "pc.example, pleased to meet you (+6 lines)",
        "09:30:05 S1 127.0.0.1:4242  -> MAIL FROM:<ann@example.org>  <- 250 2.1.0 Sender "
        "<ann@example.org> OK",
        "09:30:05 S1 127.0.0.1:4242  -> RCPT TO:<bob@example.net>  <- 250 2.1.5 Recipient "
        "<bob@example.net> OK",
        "09:30:05 S1 127.0.0.1:4242  -> DATA  <- 354 End data with <CR><LF>.<CR><LF>",
        "09:30:05 S1 127.0.0.1:4242  -> . (end of message text, 22 octets)  <- 250 2.0.0 OK: "
        "message accepted as S1-1",
        "09:30:05 S1 127.0.0.1:4242  -> QUIT  <- 221 2.0.0 smtp-sim.localhost closing "
        "connection, goodbye",
        "09:30:05 S1 127.0.0.1:4242  session ended: the client said QUIT",
    ]
    assert text.endswith("\n") and feed.take([]) == ""


def test_the_last_reply_of_a_session_is_its_last_wire_line() -> None:
    shared = SharedClass(transcripts=False)
    ClassFeed(shared, clock=clock).take(session_items(lines=CLASS[:1]))
    assert shared.model.sessions["S1"].last_reply == "250 HELP"
    ClassFeed(shared, clock=clock).take(session_items("S2", [b"NOOP\r\n", b"MAIL\r\n"]))
    assert shared.model.sessions["S2"].last_reply.startswith("503 5.5.1 ")


def test_each_log_record_of_a_batch_has_the_batch_time_formatted_once() -> None:
    log = io.StringIO()
    feed = ClassFeed(SharedClass(transcripts=False), clock=clock, jsonl=log)
    Clock.formatted = 0
    feed.take(session_items() + session_items("S2", [b"NOOP\r\n"]))
    records = [json.loads(line) for line in log.getvalue().splitlines()]
    assert len(records) == 12  # 7 + 2 Exchanges, 1 message, 2 ends
    assert {r["time"] for r in records} == {"2026-12-07T09:30:05.250+00:00"}
    assert [r.get("event") for r in records if "event" in r] == ["message", "end", "end"]
    assert Clock.formatted == 2  # the line log's HH:MM:SS and the records' time, once each


def test_a_second_batch_gets_its_own_time() -> None:
    log, times = io.StringIO(), iter([clock(), clock() + datetime.timedelta(seconds=2)])
    feed = ClassFeed(SharedClass(transcripts=False), clock=lambda: next(times), jsonl=log)
    first = feed.take(session_items(lines=[]))
    second = feed.take(session_items("S2", []))
    assert first.startswith("09:30:05 S1") and second.startswith("09:30:07 S2")
    records = [json.loads(line) for line in log.getvalue().splitlines()]
    assert [r["time"][11:23] for r in records] == ["09:30:05.250"] * 2 + ["09:30:07.250"] * 2


def test_without_a_log_file_no_log_record_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> dict[str, object]:
        raise AssertionError("a --log record built with no --log")

    for name in ("exchange_record", "end_record", "message_record"):
        monkeypatch.setattr(lessonlog, name, refused)
    shared = SharedClass(transcripts=False)
    text = ClassFeed(shared, clock=clock).take(session_items())
    assert len(text.splitlines()) == 8
    assert shared.model.accepted == 1 and shared.model.messages.messages[0].number == 1


def test_a_log_that_stopped_gets_no_more_records(monkeypatch: pytest.MonkeyPatch) -> None:
    log = io.StringIO()
    feed = ClassFeed(SharedClass(transcripts=False), clock=clock, jsonl=log)
    feed.jsonl_failed = OSError(28, "No space left on device")
    monkeypatch.setattr(lessonlog, "exchange_record", lambda *args: 1 / 0)
    assert len(feed.take(session_items(lines=[b"NOOP\r\n"])).splitlines()) == 3
    assert log.getvalue() == ""


def test_messages_are_numbered_in_the_order_they_end() -> None:
    shared = SharedClass(transcripts=False)
    feed = ClassFeed(shared, clock=clock)
    refused = [b"EHLO pc.example\r\n", b"MAIL FROM:<a@example.org>\r\n",
               b"RCPT TO:<b@example.net>\r\n", b"DATA\r\n"]  # then hangs up inside DATA
    feed.take(session_items() + session_items("S2", refused) + session_items("S3"))
    messages = shared.model.messages.messages
    assert [(m.number, m.session_id, m.reason) for m in messages] == [
        (1, "S1", None), (2, "S2", HUNG_UP), (3, "S3", None)]
    assert shared.model.messages.numbered == 3
