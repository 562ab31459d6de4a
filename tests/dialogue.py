"""Helpers to talk to the engine in tests: send lines, get replies as a client sees them."""

from __future__ import annotations

from simulator.protocol import Exchange, Policy, Session


def session_after(*setup: bytes, policy: Policy | None = None) -> Session:
    """A session that has already received ``setup`` (each item sent as it is)."""
    session = Session(policy)
    session.greeting()
    for chunk in setup:
        session.receive_data(chunk)
    return session


def send(session: Session, *lines: str | bytes) -> list[Exchange]:
    """Send each line (str lines get CRLF appended) and collect every Exchange."""
    out: list[Exchange] = []
    for line in lines:
        data = line.encode("utf-8") + b"\r\n" if isinstance(line, str) else line
        out.extend(session.receive_data(data))
    return out


def codes(exchanges: list[Exchange]) -> list[int]:
    return [e.reply.code for e in exchanges]


def keys(exchanges: list[Exchange]) -> list[str]:
    return [e.reply.key for e in exchanges]


def wire(exchanges: list[Exchange]) -> bytes:
    """Exactly the bytes a TCP client would read for these exchanges."""
    return b"".join(e.reply.to_bytes() for e in exchanges)


GREETED = (b"EHLO client.example\r\n",)
IN_MAIL = (*GREETED, b"MAIL FROM:<alice@example.org>\r\n")
IN_RCPT = (*IN_MAIL, b"RCPT TO:<bob@example.net>\r\n")
IN_DATA = (*IN_RCPT, b"DATA\r\n")


def first_reply(setup: tuple[bytes, ...], line: str | bytes) -> tuple[int, str | None, str]:
    """The code, enhanced code and key of the first reply to ``line`` after ``setup``: the
    row the DIALOGUES tables of the protocol tests hold."""
    reply = send(session_after(*setup), line)[0].reply
    return reply.code, reply.enhanced, reply.key
