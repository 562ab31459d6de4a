"""A scenario file's ``[dkim]`` table: a teacher's own private keys for ``:dkim sign``.

``"s1._domainkey.school.example" = "keys/s1.pem"`` names a PEM private key (RSA, RFC 6376
§3.3.1, or Ed25519, RFC 8463 §3) by a path relative to the scenario file. Each is read through
the bounded reader and checked at load against the zone: its public half must be the ``p=``
of the DKIM record (RFC 6376 §3.6.1) at that name, else nothing signed with it could verify,
and the whole file is refused, naming file, name and what to do (``[zone]`` of the UI texts).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from simulator.files import FileRefused, read_bytes
from simulator.protocol.zone import Zone, name_problem, normal_name

from .file_problems import FileProblems
from .refusals import say
from .ui import text

MAX_KEY: Final = 64 * 1024
"""Octets of a key file (a 4096-bit RSA key in PEM is about 3,300)."""
MAX_KEYS: Final = 100
"""Keys in one file."""
PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


SigningKey = tuple[str, str, bytes]
"""``SELECTOR._domainkey.DOMAIN``, the signing algorithm (``rsa-sha256``, ``ed25519-sha256``)
and the key as dkimpy takes it (PKCS #1 PEM for RSA, the base64 seed for Ed25519)."""


def read_dkim_keys(checker: FileProblems, value: object, zone: Zone) -> tuple[SigningKey, ...]:
    """The ``[dkim]`` table's keys, each checked against the zone."""
    if value is None:
        return ()
    if not isinstance(value, Mapping) or len(value) > MAX_KEYS:
        checker.report("", "dkim", text("zone.dkim-not-table", checker.lang, limit=MAX_KEYS))
        return ()
    found: list[SigningKey] = []
    for name, path in value.items():
        field = f"dkim.{name!r}"
        if name_problem(name) is not None or "._domainkey." not in normal_name(name):
            checker.report("", field, text("zone.dkim-bad-name", checker.lang))
        elif not isinstance(path, str) or not path:
            checker.report("", field, text("zone.dkim-not-path", checker.lang))
        else:
            key = _key(checker, field, normal_name(name), Path(checker.file).parent / path, zone)
            if key is not None:
                found.append((normal_name(name), *key))
    return tuple(found)


def _key(checker: FileProblems, field: str, name: str, path: Path,
         zone: Zone) -> tuple[str, bytes] | None:
    """The algorithm and key at ``path``, or None after reporting what is wrong."""
    lang = checker.lang
    try:
        data = read_bytes(path, MAX_KEY)
    except FileRefused as refused:  # a FIFO, /dev/zero, a folder, too large
        checker.report("", field, say(refused, lang))
        return None
    except OSError as err:
        checker.report("", field, text("zone.dkim-unreadable", lang, path=str(path),
                                       reason=err.strerror or str(err)))
        return None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):  # not PEM, encrypted, or an unsupported kind
        key = None
    if not isinstance(key, PrivateKey):
        checker.report("", field, text("zone.dkim-not-key", lang, path=str(path)))
        return None
    published = _published(zone, name)
    if published is None:
        checker.report("", field, text("zone.dkim-no-record", lang, path=str(path), name=name))
        return None
    if published != _public(key):
        checker.report("", field, text("zone.dkim-mismatch", lang, path=str(path), name=name))
        return None
    if isinstance(key, ed25519.Ed25519PrivateKey):
        seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
        return "ed25519-sha256", base64.b64encode(seed)
    return "rsa-sha256", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption())


def _public(key: PrivateKey) -> bytes:
    """The public half as a DKIM record's ``p=`` decodes: SubjectPublicKeyInfo for RSA
    (RFC 6376 §3.6.1), the 32 raw octets for Ed25519 (RFC 8463 §4)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.public_key().public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def _published(zone: Zone, name: str) -> bytes | None:
    """The decoded ``p=`` of the DKIM record at ``name`` (an RSA key in the older PKCS #1
    form is turned into SubjectPublicKeyInfo, as verifiers accept both); None: no record."""
    for record in zone.lookup(name, "TXT"):
        tags = dict(part.strip().partition("=")[::2] for part in record.split(";"))
        if "p" not in tags:
            continue
        try:
            raw = base64.b64decode("".join(tags["p"].split()), validate=True)
        except (binascii.Error, ValueError):
            return b""
        if tags.get("k", "rsa").strip() == "ed25519":
            return raw
        try:
            public = serialization.load_der_public_key(raw)
        except (ValueError, TypeError):
            return raw
        return public.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    return None
