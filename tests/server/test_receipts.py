"""Where each message went, for serve's log line: a Maildir file or the memory store's
number, taken once, and bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.protocol import ReceivedMessage, Session
from simulator.server import receipts
from simulator.server.receipts import ReceiptStore
from simulator.server.store import MaildirStore, MemoryStore


def accepted(session_id: str = "S1") -> ReceivedMessage:
    session = Session(session_id=session_id)
    session.greeting()
    exchanges = session.receive_data(b"EHLO c.example\r\nMAIL FROM:<a@a.example>\r\n"
                                     b"RCPT TO:<b@b.example>\r\nDATA\r\nhi\r\n.\r\n")
    message = exchanges[-1].message
    assert message is not None
    return message


def test_a_maildir_receipt_names_the_file_on_disk_and_is_taken_once(tmp_path: Path) -> None:
    store = ReceiptStore(MaildirStore(tmp_path / "mail"))
    message = accepted()
    store.deliver(message)
    where = store.take(message.queue_id)
    assert where is not None
    on_disk = Path(where).read_bytes()
    assert on_disk.startswith(b"Return-Path: <a@a.example>") and on_disk.endswith(b"\nhi\n")
    assert store.take(message.queue_id) is None
    assert len(store.messages()) == 1


def test_a_memory_receipt_names_the_message_number() -> None:
    store = ReceiptStore(MemoryStore())
    message = accepted()
    key = store.deliver(message)
    assert store.take(message.queue_id) == f"memory #{key}"


def test_receipts_nobody_takes_are_dropped_oldest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(receipts, "RECEIPT_LIMIT", 2)
    store = ReceiptStore(MemoryStore())
    messages = [accepted(f"S{n}") for n in range(3)]
    for message in messages:
        store.deliver(message)
    assert store.take(messages[0].queue_id) is None
    assert store.take(messages[1].queue_id) is not None and store.take(messages[2].queue_id)
