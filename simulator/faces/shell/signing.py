"""``:dkim sign``: the message text is held while it is typed and sent signed at the dot.

A signature covers the whole message, so nothing can be sent before the final dot: the
console keeps the lines (as typed, dot-stuffed) and, at the lone dot, sends the signature
field and the lines in one go, then the dot, as a signing mail program does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.client.dkimsign import Signer


@dataclass(slots=True)
class Signing:
    """The signer the learner switched on, and the lines of the message being held."""

    signer: Signer | None = None
    held: list[str] = field(default_factory=list)

    def take(self, line: str) -> list[bytes] | None:
        """Hold ``line``; at the lone dot, the signed message's lines (dot-stuffed, each
        with CRLF) to send before that dot."""
        if line != ".":
            self.held.append(line)
            return None
        assert self.signer is not None
        typed, self.held = self.held, []
        # RFC 5321 §4.5.2: the signature covers the text the server keeps, without the
        # stuffed dots the learner typed (..x is the line .x)
        text = "".join((t[1:] if t.startswith(".") else t) + "\r\n" for t in typed)
        signed = self.signer.sign(text.encode("utf-8"))
        return [(b"." + line if line.startswith(b".") else line) + b"\r\n"
                for line in signed.split(b"\r\n")[:-1]]
