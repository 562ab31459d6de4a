"""The client side every face uses: the built-in server or a real one over TCP, the reply
parser, and scripts of command lines played against either."""

from __future__ import annotations

from .connection import Answer, Connection, SessionView, Step, explain, parse_peer
from .local import LocalConnection
from .remote import TcpConnection

__all__ = ["Answer", "Connection", "LocalConnection", "SessionView", "Step", "TcpConnection",
           "explain", "parse_peer"]
