"""A store that remembers where each message went, for ``serve``'s log line.

It wraps any Store: the same ``deliver`` (so a Maildir message is still on disk and fsynced
before its 250), and afterwards the location is waiting under the message's queue id, for
the log to take once. Bounded: receipts nobody takes are dropped, oldest first.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Final

from simulator.protocol import ReceivedMessage
from simulator.server.store import MaildirStore, Store, StoredMessage

RECEIPT_LIMIT: Final = 10_000


class ReceiptStore:
    """``inner``, plus :meth:`take`: where the message with this queue id was stored."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.blocking = inner.blocking
        self._receipts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def deliver(self, message: ReceivedMessage) -> str:
        key = self.inner.deliver(message)
        if isinstance(self.inner, MaildirStore):
            where = os.path.join(self.inner.path, "new", key)
        else:
            where = f"memory #{key}"
        with self._lock:
            self._receipts[message.queue_id] = where
            while len(self._receipts) > RECEIPT_LIMIT:
                self._receipts.popitem(last=False)
        return key

    def messages(self) -> list[StoredMessage]:
        return self.inner.messages()

    def take(self, queue_id: str) -> str | None:
        with self._lock:
            return self._receipts.pop(queue_id, None)
