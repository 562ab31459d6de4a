"""The client side of STARTTLS: a handshake the learner's machine trusts, one it does not
(and why, in the words the console shows), and the unverified retry's certificate facts."""

from __future__ import annotations

import contextlib
import datetime

import pytest
import trio
import trio.testing

from simulator.client.tls import (
    describe_certificate,
    handshake,
    unverified_context,
    verify_problem,
    verifying_context,
)
from simulator.server.tls import CertificateFiles, generated_certificate, server_context

HOST = "mail.example"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> CertificateFiles:
    return generated_certificate(HOST, tmp_path_factory.mktemp("home"))


async def serve_tls(stream: trio.abc.Stream, files: CertificateFiles) -> None:
    server = trio.SSLStream(stream, server_context(files), server_side=True)
    with contextlib.suppress(trio.BrokenResourceError):
        await server.do_handshake()


async def test_a_trusted_certificate_is_described(files: CertificateFiles) -> None:
    client_end, server_end = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(serve_tls, server_end, files)
        _, info = await handshake(client_end, verifying_context(str(files.ca)), HOST)
    assert info.version in ("TLSv1.2", "TLSv1.3") and info.cipher
    certificate = info.certificate
    assert certificate is not None and certificate.trusted and certificate.problem is None
    assert HOST in certificate.subject
    assert certificate.not_before <= datetime.datetime.now(datetime.UTC) < certificate.not_after


async def test_an_untrusted_certificate_fails_and_says_why(files: CertificateFiles) -> None:
    client_end, server_end = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(serve_tls, server_end, files)
        with pytest.raises(trio.BrokenResourceError) as caught:
            await handshake(client_end, verifying_context(), HOST)
        await client_end.aclose()  # as the console does: the server then sees the close
    problem = verify_problem(caught.value)
    assert problem == "unable to get local issuer certificate"


async def test_the_unverified_retry_shows_the_certificate_as_untrusted(
        files: CertificateFiles) -> None:
    client_end, server_end = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(serve_tls, server_end, files)
        _, info = await handshake(client_end, unverified_context(), HOST,
                                  problem="self-signed certificate")
    certificate = info.certificate
    assert certificate is not None and not certificate.trusted
    assert certificate.problem == "self-signed certificate"


def test_no_certificate_and_other_errors_have_nothing_to_describe() -> None:
    assert describe_certificate(None, trusted=False) is None
    assert verify_problem(trio.BrokenResourceError("closed")) is None
