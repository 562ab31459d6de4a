"""The stores: what a message looks like once kept, in memory and in a real Maildir."""

from __future__ import annotations

import email
import email.policy
import errno
import mailbox
import os
from pathlib import Path

import pytest

from simulator.lessons.ui import text
from simulator.protocol import Envelope, ReceivedMessage
from simulator.server.store import (
    MaildirStore,
    MemoryFull,
    MemoryStore,
    StoredMessage,
    Usage,
    parse_stored,
)

CONTENT = (b"Received: from client.example (127.0.0.1:5555)\r\n"
           b"\tby smtp-sim.localhost (smtp-sim) with ESMTP id S1-1; Thu, 1 Jan 1970 00:00:00 +0000\r\n"
           b"Subject: hello\r\n"
           b"From: Ann <ann@example.org>\r\n"
           b"\r\n"
           b"first line\r\n"
           b"From the start of a line\r\n")


def message(queue_id: str = "S1-1", *, recipients: tuple[str, ...] = ("bob@example.net",),
            sender: str = "ann@example.org", smtputf8: bool = False,
            body: str | None = None) -> ReceivedMessage:
    envelope = Envelope(sender, recipients, "client.example", "127.0.0.1:5555",
                        smtputf8=smtputf8, body=body)
    return ReceivedMessage(queue_id, envelope, CONTENT)


def test_memory_store_lists_messages_oldest_first_with_keys() -> None:
    store = MemoryStore()
    first, second = message("S1-1"), message("S2-1")
    assert store.deliver(first) == "1"
    assert store.deliver(second) == "2"
    assert store.messages() == [StoredMessage("1", first), StoredMessage("2", second)]


def test_memory_store_refuses_what_does_not_fit_and_keeps_the_rest() -> None:
    store = MemoryStore(limit=len(CONTENT) * 2)
    store.deliver(message("S1-1"))
    store.deliver(message("S1-2"))
    with pytest.raises(MemoryFull) as refused:
        store.deliver(message("S1-3"))
    assert refused.value.errno == errno.ENOSPC
    assert (refused.value.kept, refused.value.limit) == (len(CONTENT) * 2, len(CONTENT) * 2)
    assert "--memory-limit" not in str(refused.value)  # the server layer names no option
    said = {lang: text("options.memory-store-full", lang, id="S1", peer="p", queue="S1-3",
                       kept=refused.value.kept, limit=refused.value.limit)
            for lang in ("en", "zh")}
    assert "--memory-limit" in said["en"] and "内存存储已满" in said["zh"]
    assert [m.message.queue_id for m in store.messages()] == ["S1-1", "S1-2"]
    assert store.usage() == Usage(2, len(CONTENT) * 2, len(CONTENT) * 2)
    assert store.usage().share == 1.0


def test_memory_store_limit_defaults_to_256_mib_and_can_be_lifted() -> None:
    assert MemoryStore().usage() == Usage(0, 0, 256 * 1024 * 1024)
    unbounded = MemoryStore(limit=None)
    unbounded.deliver(message())
    assert unbounded.usage().share is None


def test_memory_store_does_not_block() -> None:
    assert MemoryStore.blocking is False
    assert MaildirStore.blocking is True


def test_maildir_store_creates_the_maildir(tmp_path: Path) -> None:
    MaildirStore(tmp_path / "mail")
    assert sorted(os.listdir(tmp_path / "mail")) == ["cur", "new", "tmp"]


def test_maildir_store_fills_an_empty_directory(tmp_path: Path) -> None:
    MaildirStore(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["cur", "new", "tmp"]


def test_maildir_store_refuses_a_directory_that_is_not_a_maildir(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OSError, match="neither empty nor a Maildir"):
        MaildirStore(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_maildir_store_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        MaildirStore(tmp_path / "file")


def test_maildir_message_round_trips_with_its_envelope(tmp_path: Path) -> None:
    store = MaildirStore(tmp_path)
    original = message(recipients=("bob@example.net", "carol@example.net"), body="8BITMIME")
    key = store.deliver(original)
    assert store.messages() == [StoredMessage(key, original)]


def test_maildir_round_trips_odd_envelopes(tmp_path: Path) -> None:
    store = MaildirStore(tmp_path)
    odd = message(sender="", recipients=('"a; b=c"@example.net',), smtputf8=True)
    utf8 = message("S1-2", sender="用户@例子.测试", recipients=("josé@example.net",), smtputf8=True)
    store.deliver(odd)
    store.deliver(utf8)
    assert [stored.message for stored in store.messages()] == [odd, utf8]


def test_maildir_file_is_in_new_and_readable_by_a_mail_reader(tmp_path: Path) -> None:
    key = MaildirStore(tmp_path).deliver(message())
    assert os.listdir(tmp_path / "new") == [key]
    assert os.listdir(tmp_path / "tmp") == []
    raw = (tmp_path / "new" / key).read_bytes()
    assert b"\r" not in raw  # Unix line ends on disk, as mutt and friends expect
    assert raw.startswith(b"Return-Path: <ann@example.org>\nX-Envelope-To: <bob@example.net>\n")
    parsed = mailbox.Maildir(tmp_path)[key]
    assert parsed["Subject"] == "hello"
    assert parsed["Return-Path"] == "<ann@example.org>"
    assert parsed.get_payload() == "first line\nFrom the start of a line\n"


def test_maildir_file_parses_as_email(tmp_path: Path) -> None:
    key = MaildirStore(tmp_path).deliver(message())
    parsed = email.message_from_bytes((tmp_path / "new" / key).read_bytes(),
                                      policy=email.policy.default)
    assert parsed["From"] == "Ann <ann@example.org>"
    assert parsed.get_all("Received") is not None


def test_maildir_lists_in_delivery_order_across_instances(tmp_path: Path) -> None:
    queue_ids = [f"S{n}-1" for n in range(1, 13)]
    store = MaildirStore(tmp_path)
    for queue_id in queue_ids:
        store.deliver(message(queue_id))
    reread = MaildirStore(tmp_path).messages()
    assert [stored.message.queue_id for stored in reread] == queue_ids
    assert len(store) == 12


def test_maildir_foreign_message_gets_an_empty_envelope(tmp_path: Path) -> None:
    MaildirStore(tmp_path)
    mailbox.Maildir(tmp_path).add(b"Return-Path: <x@example.org>\nSubject: hi\n\nbody\n")
    [stored] = MaildirStore(tmp_path).messages()
    assert stored.message.envelope.sender == "x@example.org"
    assert stored.message.envelope.recipients == ()
    assert stored.message.content == b"Subject: hi\r\n\r\nbody\r\n"


def test_maildir_deliver_fails_with_oserror_when_the_disk_refuses(tmp_path: Path) -> None:
    store = MaildirStore(tmp_path)
    (tmp_path / "tmp").rmdir()
    (tmp_path / "tmp").write_bytes(b"not a directory")
    with pytest.raises(OSError):
        store.deliver(message())
    assert store.messages() == []


def test_parse_stored_keeps_content_that_looks_like_headers_later() -> None:
    data = (b"Return-Path: <a@b.example>\nX-Smtp-Sim-Envelope: queue-id=Q\n"
            b"Received: x\nReturn-Path: <not@envelope>\n\nbody\n")
    parsed = parse_stored(data)
    assert parsed.envelope.sender == "a@b.example"
    assert parsed.queue_id == "Q"
    assert parsed.content == b"Received: x\r\nReturn-Path: <not@envelope>\r\n\r\nbody\r\n"


def test_each_store_says_where_a_message_it_kept_is(tmp_path: Path) -> None:
    maildir = MaildirStore(tmp_path / "mail")
    assert Path(maildir.where(maildir.deliver(message()))).read_bytes().startswith(
        b"Return-Path: ")
    memory = MemoryStore()
    assert [memory.where(memory.deliver(message(f"S1-{n}"))) for n in (1, 2)] == [
        "memory #1", "memory #2"]
