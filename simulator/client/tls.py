"""The client side of STARTTLS: the handshake, and what the learner is shown about it.

Both connections use it after a ``220`` to STARTTLS: the built-in one (memory streams, the
simulator's own CA trusted) and ``--connect`` (the system's trust store). Against a real
server an untrusted certificate is a lesson, not an end: unless ``--verify`` is given, the
console reconnects, repeats EHLO and STARTTLS (the session starts over after STARTTLS
anyway, RFC 3207 §4.2) and goes on without verification, with a warning.
"""

from __future__ import annotations

import datetime
import ssl
from dataclasses import dataclass

import trio


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """The server certificate as the console shows it."""

    subject: str
    issuer: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    trusted: bool
    problem: str | None = None
    """Why the system does not trust it (``certificate verify failed: ...``)."""


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """A finished handshake: protocol version, cipher, and the server's certificate."""

    version: str
    cipher: str
    certificate: CertificateInfo | None


def describe_certificate(der: bytes | None, *, trusted: bool,
                         problem: str | None = None) -> CertificateInfo | None:
    """Subject, issuer and validity of a DER certificate (None when there is none)."""
    if not der:
        return None
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    return CertificateInfo(cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(),
                           cert.not_valid_before_utc, cert.not_valid_after_utc, trusted, problem)


def verifying_context(ca: str | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def unverified_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def handshake(stream: trio.abc.Stream, context: ssl.SSLContext, hostname: str, *,
                    problem: str | None = None) -> tuple[trio.SSLStream[trio.abc.Stream],
                                                         TlsInfo]:
    """Do the client handshake on ``stream``; BrokenResourceError if it fails."""
    tls = trio.SSLStream(stream, context, server_hostname=hostname)
    await tls.do_handshake()
    der = tls.getpeercert(binary_form=True)
    trusted = context.verify_mode is ssl.CERT_REQUIRED
    cipher = tls.cipher()
    info = TlsInfo(str(tls.version()), cipher[0] if cipher else "",
                   describe_certificate(der, trusted=trusted, problem=problem))
    return tls, info


def verify_problem(err: BaseException) -> str | None:
    """The reason when ``err`` is a certificate the system does not trust, else None."""
    cause = err.__cause__
    if isinstance(cause, ssl.SSLCertVerificationError):
        return str(cause.verify_message or cause.reason or cause)
    return None
