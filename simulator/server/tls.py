"""TLS for the server: the certificate, the SSL contexts, and a stream that upgrades in place.

STARTTLS (RFC 3207) is an instruction from the engine (``Then.START_TLS``); the conversation
loop answers it by calling :func:`start_tls`, which wraps the connection in a
``trio.SSLStream`` and tells the session the handshake is done. :class:`UpgradableStream`
keeps the loop's stream object the same across the switch, so the loop itself (timeouts,
draining before a close) works unchanged on TLS. Implicit TLS (RFC 8314, port 465) is the
same upgrade done before the greeting.

Without ``--cert``/``--key`` a certificate is made for the server's host name at first use
with ``trustme`` (a small CA and a leaf certificate signed by it), kept in the user's data
directory and reused: the CA file lets a learner's client verify the chain
(``curl --cacert``, ``swaks --tls-ca-path``). Its folder is the user's alone (0700, files
0600, whatever the umask), and a file there that cannot be used (corrupt, replaced by a key
of another certificate, not a file at all) is made again with the rest, and the faces say so.
Every PEM file, generated or the user's, is read through the bounded reader.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import trio

from simulator.files import FileRefused, read_bytes
from simulator.protocol import Session
from simulator.server.wire import Wire

HOME_VARIABLE: Final = "SMTP_SIM_HOME"
"""Overrides the user's data directory (as for the console's settings)."""
VALIDITY: Final = datetime.timedelta(days=365)
"""How long a generated certificate is valid; an expired one is made again."""
HANDSHAKE_SECONDS: Final = 10.0
"""How long a client may take over the TLS handshake."""
CLOSE_NOTIFY_SECONDS: Final = 0.5
"""How long the TLS goodbye (close_notify) may take before the socket is closed anyway."""
MAX_PEM_FILE: Final = 1024 * 1024
"""The largest certificate or key file read, in octets (a long chain is a few kilobytes)."""
EXPIRED: Final = "expired"
"""What :func:`pem_problem` says of a certificate past its end (made again without a word)."""


class HandshakeFailed(Exception):
    """The TLS handshake did not complete; ``str()`` says why (for the server's log), and
    ``key`` names the transcript's pseudo-reply for it (see :func:`failure_key`)."""

    def __init__(self, why: str, key: str = "tls.handshake-failed") -> None:
        super().__init__(why)
        self.key = key


@dataclass(frozen=True, slots=True)
class CertificateFiles:
    """PEM files of the server's certificate: the chain, its key, the CA (if generated)."""

    cert: Path
    key: Path
    ca: Path | None = None
    remade: str | None = None
    """The generated file that could not be used (``key.pem``...), so all were made again."""


def data_directory() -> Path:
    """The user's data directory (``SMTP_SIM_HOME`` overrides it)."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("smtp-sim", appauthor=False))


def generated_certificate(hostname: str, directory: Path | None = None) -> CertificateFiles:
    """The certificate made for ``hostname``: made now if missing, expired or unusable."""
    folder = (directory or data_directory()) / "tls" / hostname
    names = ("cert.pem", "key.pem", "ca.pem")
    files = CertificateFiles(folder / "cert.pem", folder / "key.pem", folder / "ca.pem")
    first_use = not any(os.path.lexists(folder / name) for name in names)
    problem = None if first_use else pem_problem(files)
    if not first_use and problem is None:
        return files
    import trustme  # only when a certificate is made: it loads cryptography

    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    ca = trustme.CA(organization_name="smtp-sim", organization_unit_name="teaching CA")
    leaf = ca.issue_cert(hostname, "localhost", "127.0.0.1", "::1", common_name=hostname,
                         organization_name="smtp-sim", organization_unit_name="teaching server",
                         not_before=now - datetime.timedelta(hours=1), not_after=now + VALIDITY)
    _private_folder(folder)
    _write_private(folder / "ca.pem", ca.cert_pem.bytes())
    _write_private(files.cert, leaf.cert_chain_pems[0].bytes())
    _write_private(files.key, leaf.private_key_pem.bytes())
    unusable = problem[0] if problem is not None and problem[1] != EXPIRED else None
    return replace(files, remade=None if unusable is None else unusable.name)


def _private_folder(folder: Path) -> None:
    """``folder`` made if missing; it, ``tls/`` and any folder made for them are the user's
    alone (0700), whatever the umask (a folder the user already had keeps its mode)."""
    made = [path for path in (folder, *folder.parents) if not path.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for path in {folder, folder.parent, *made}:
        os.chmod(path, 0o700)


def _write_private(path: Path, data: bytes) -> None:
    """``path`` replaced by ``data`` at once, readable by the user alone (0600)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)  # (inside the generated folder: nothing of the user's)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)


def pem_problem(files: CertificateFiles) -> tuple[Path, str] | None:
    """The first file of ``files`` that cannot serve, and why; None when all can.

    Why is an OSError's words, a :class:`FileRefused` reason (``not-a-file``,
    ``too-large``), ``not-certificate``, ``not-key`` (or one protected by a passphrase),
    ``mismatch`` (the key of another certificate) or :data:`EXPIRED`.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    read: dict[Path, bytes] = {}
    for path in (files.cert, files.key, *((files.ca,) if files.ca else ())):
        try:
            read[path] = read_bytes(path, MAX_PEM_FILE)
        except FileRefused as refused:
            return path, refused.reason
        except OSError as err:
            return path, str(err.strerror or err)
    try:
        cert = x509.load_pem_x509_certificate(read[files.cert])
    except ValueError:
        return files.cert, "not-certificate"
    if files.ca is not None:
        try:
            x509.load_pem_x509_certificate(read[files.ca])
        except ValueError:
            return files.ca, "not-certificate"
    try:
        key = serialization.load_pem_private_key(read[files.key], password=None)
    except (ValueError, TypeError):
        return files.key, "not-key"
    public = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if key.public_key().public_bytes(*public) != cert.public_key().public_bytes(*public):
        return files.key, "mismatch"
    if cert.not_valid_after_utc <= datetime.datetime.now(datetime.UTC):
        return files.cert, EXPIRED
    return None


def fingerprint(cert: Path) -> str:
    """SHA-256 of the (first) certificate in ``cert``, as ``AB:CD:...`` (what browsers show)."""
    pem = read_bytes(cert, MAX_PEM_FILE).decode("ascii")
    end = pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem[:end])).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def server_context(files: CertificateFiles) -> ssl.SSLContext:
    """The server side: TLS 1.2 or later with the certificate; OSError/SSLError if unusable."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(files.cert), str(files.key))
    return context


def client_context(*, ca: Path | None = None, verify: bool = True) -> ssl.SSLContext:
    """A client side trusting the system store (and ``ca``); ``verify=False`` accepts any."""
    context = ssl.create_default_context()
    if ca is not None:
        context.load_verify_locations(str(ca))
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class UpgradableStream(Wire):
    """A stream that can switch to TLS in the middle of a conversation (STARTTLS).

    Before the switch it passes every call to the plain stream; after it, to a
    ``trio.SSLStream`` over that stream. A TLS stream cannot half-close, so ``send_eof``
    then does nothing: a close after a reply still drains the client's input first.
    Without a certificate (``context`` None) it never switches (:meth:`start_tls` fails).
    """

    __slots__ = ("_context", "_plain", "_stream", "tls")  # one per connection: no __dict__

    def __init__(self, plain: Wire, context: ssl.SSLContext | None) -> None:
        self._plain = plain
        self._stream: trio.abc.Stream = plain
        self._context = context
        self.tls: trio.SSLStream[trio.abc.Stream] | None = None

    async def start_tls(self) -> None:
        """Do the server side of the handshake; HandshakeFailed when it does not complete
        (or when the server has no certificate)."""
        if self._context is None:
            raise HandshakeFailed("this connection cannot switch to TLS")
        ssl_stream = trio.SSLStream(self._stream, self._context, server_side=True)
        try:
            with trio.fail_after(HANDSHAKE_SECONDS):
                await ssl_stream.do_handshake()
        except trio.TooSlowError:
            raise HandshakeFailed(f"no handshake within {HANDSHAKE_SECONDS:g} s") from None
        except trio.BrokenResourceError as err:
            raise HandshakeFailed(_reason(err), failure_key(err)) from err
        self._stream = self.tls = ssl_stream

    @property
    def wire(self) -> Wire:
        """The stream to talk on now: the plain one until the switch (one layer less on
        every call of the conversation), then this one, over TLS."""
        return self._plain if self.tls is None else self

    async def receive_some(self, max_bytes: int | None = None) -> bytes | bytearray:
        return await self._stream.receive_some(max_bytes)

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        await self._stream.send_all(data)

    async def send_then_receive(self, data: bytes | bytearray | memoryview) -> None:
        """``send_all`` for a caller that receives next (see SocketConnection's): the plain
        connection's own before the switch; after it, TLS's send_all."""
        if self.tls is None:
            await self._plain.send_then_receive(data)
        else:
            await self.tls.send_all(data)

    async def wait_send_all_might_not_block(self) -> None:
        await self._stream.wait_send_all_might_not_block()

    async def send_eof(self) -> None:
        if self.tls is None:
            await self._plain.send_eof()
        else:
            await trio.lowlevel.checkpoint()

    async def aclose(self) -> None:
        if self.tls is not None:
            with trio.move_on_after(CLOSE_NOTIFY_SECONDS):
                await self.tls.aclose()  # close_notify: a clean TLS end for the client
        await self._plain.aclose_now()


REASONS: Final = {
    "NO_SHARED_CIPHER": "no shared cipher",
    "UNSUPPORTED_PROTOCOL": "wrong version: the client offered only TLS older than 1.2",
    "WRONG_VERSION_NUMBER": "wrong version number: the client did not speak TLS",
    "HTTP_REQUEST": "the client spoke HTTP, not TLS",
    "UNEXPECTED_EOF_WHILE_READING": "the client closed the connection during the handshake",
    "SSLV3_ALERT_BAD_CERTIFICATE": "the client refused the certificate (bad certificate)",
    "TLSV1_ALERT_UNKNOWN_CA": "the client does not trust the certificate (unknown CA)",
}
"""OpenSSL's reason codes, said in words for the server's log (the code follows)."""


REFUSALS: Final = frozenset({"SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_UNKNOWN_CA",
                              "SSLV3_ALERT_CERTIFICATE_UNKNOWN"})
"""The alerts a client sends when it does not trust the server's certificate (RFC 8446
§6.2): the usual cause is a client not given the lab's CA file."""


def failure_key(err: BaseException) -> str:
    """The pseudo-reply key for a failed handshake: the certificate refused, or another cause."""
    cause = err.__cause__
    refused = isinstance(cause, ssl.SSLError) and cause.reason in REFUSALS
    return "tls.certificate-refused" if refused else "tls.handshake-failed"


def _reason(err: BaseException) -> str:
    """Why a handshake failed, from the ssl error under trio's (``NO_SHARED_CIPHER``...)."""
    cause = err.__cause__
    if isinstance(cause, ssl.SSLError):
        code = cause.reason or ""
        words = REASONS.get(code)
        return f"{words} ({code})" if words else (code or cause.strerror or str(cause))
    return str(cause or err) or "the client closed the connection"


async def start_tls(stream: UpgradableStream, session: Session) -> None:
    """Answer ``Then.START_TLS``: the handshake on ``stream``, then a fresh session."""
    await stream.start_tls()
    session.tls_started()
