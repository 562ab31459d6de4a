"""Signing on the learner's side: a DKIM-Signature (RFC 6376 §5) with the lab's key.

The lab ships one key pair per zone entry it signs for: the private half is
``lessons/dkim/SELECTOR._domainkey.DOMAIN.pem``, the public half the zone's TXT record at that
name, so a message signed here verifies at the receiver (dkimpy on both sides); a teacher's
scenario may name its own keys (``[dkim]``, lessons/dkim_keys.py). ``tamper`` changes one
character after signing, as a mailing list that edits the Subject does, so the learner sees
``dkim=fail`` and the DMARC verdict that follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from simulator.lessons.load import data_root
from simulator.protocol.zone import name_problem, normal_name

MAX_KEY: Final = 64 * 1024
"""Octets of a key file (a 4096-bit RSA key in PEM is about 3,300)."""
SIGNED_HEADERS: Final = (b"from", b"to", b"subject", b"date", b"message-id")


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs (s= and d=), with which private key, and whether to tamper afterwards."""

    selector: str
    domain: str
    key: bytes
    tamper: bool = False
    algorithm: str = "rsa-sha256"
    """``rsa-sha256`` (RFC 6376 §3.3) or ``ed25519-sha256`` (RFC 8463 §3)."""

    def sign(self, text: bytes) -> bytes:
        """``text`` (the message, CRLF lines, not dot-stuffed) with a DKIM-Signature on top,
        and one character of its Subject (else its last line) changed when ``tamper``."""
        import dkim  # type: ignore[import-untyped]  # only when signing is switched on

        head = b"\r\n" + text.split(b"\r\n\r\n", 1)[0].lower()
        wanted = [h for h in SIGNED_HEADERS if b"\r\n" + h + b":" in head]
        signature: bytes = dkim.sign(text, self.selector.encode(), self.domain.encode(), self.key,
                                     include_headers=wanted or [b"from"],
                                     signature_algorithm=self.algorithm.encode())
        return signature + (_tampered(text) if self.tamper else text)


def _tampered(text: bytes) -> bytes:
    lines = text.split(b"\r\n")
    for index, line in enumerate(lines):
        if line == b"":
            break
        if line.lower().startswith(b"subject:"):
            lines[index] = line + b"!"
            return b"\r\n".join(lines)
    body_end = len(lines) - 2 if len(lines) > 1 and lines[-1] == b"" else len(lines) - 1
    lines[body_end] += b"!"
    return b"\r\n".join(lines)


def key_path(selector: str, domain: str) -> Path | None:
    """The lab's private key for ``SELECTOR._domainkey.DOMAIN``, if the lab ships one."""
    name = normal_name(f"{selector}._domainkey.{domain}")
    if name_problem(name) is not None:
        return None
    path = Path(str(data_root() / "dkim" / f"{name}.pem"))
    return path if path.is_file() else None


def lab_signer(selector: str, domain: str,
               own: Iterable[tuple[str, str, bytes]] = ()) -> Signer | None:
    """A Signer with the key for that selector and domain, or None when there is none: the
    scenario's own key (``own``: its ``[dkim]`` table, checked at load) first, else the lab's."""
    name = normal_name(f"{selector}._domainkey.{domain}")
    for key_name, algorithm, key in own:
        if key_name == name:
            return Signer(normal_name(selector), normal_name(domain), key, algorithm=algorithm)
    path = key_path(selector, domain)
    if path is None:
        return None
    with path.open("rb") as file:
        key = file.read(MAX_KEY + 1)
    return None if len(key) > MAX_KEY else Signer(normal_name(selector), normal_name(domain), key)
