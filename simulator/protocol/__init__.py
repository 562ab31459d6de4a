"""The sans-IO SMTP engine: bytes in, Exchanges out. No trio, prompt_toolkit, sockets or clock."""

from __future__ import annotations

from .commands import Command, EndOfData, Hello, MailFrom, ProtocolError, Query, RcptTo, Simple
from .escape import quote, show_bytes, show_text
from .events import Envelope, Exchange, ReceivedMessage, Then
from .policy import Policy
from .replies import CATALOGUE, Reply, ReplySpec, make_reply
from .session import Session
from .state import SEQUENCE_ERRORS, TRANSITIONS, State, Verb

__all__ = [
    "CATALOGUE", "SEQUENCE_ERRORS", "TRANSITIONS", "Command", "EndOfData", "Envelope",
    "Exchange", "Hello", "MailFrom", "Policy", "ProtocolError", "Query", "RcptTo",
    "ReceivedMessage", "Reply", "ReplySpec", "Session", "Simple", "State", "Then", "Verb",
    "make_reply", "quote", "show_bytes", "show_text",
]
