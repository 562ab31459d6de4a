"""TLS in the server: the certificate, STARTTLS over memory streams, failures, draining."""

from __future__ import annotations

import logging
import os
import ssl
import stat
import time
from pathlib import Path

import pytest
import trio
import trio.testing

from simulator.protocol import Policy
from simulator.server import StreamOptions, Timeouts, serve_stream
from simulator.server.store import MemoryStore
from simulator.server.tls import (
    client_context,
    fingerprint,
    generated_certificate,
    server_context,
)
from tests.hostile_files import NOT_FILES

HOST = "smtp-sim.localhost"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


class Wire:
    """The client end: plain, then TLS after STARTTLS, reading replies line by line."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream
        self.buffer = b""

    async def reply(self) -> bytes:
        """One whole reply (all its lines)."""
        out = b""
        while True:
            while b"\r\n" not in self.buffer:
                data = await self.stream.receive_some(4096)
                if not data:
                    return out
                self.buffer += data
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            out += line + b"\r\n"
            if line[3:4] != b"-":
                return out

    async def command(self, line: bytes) -> bytes:
        await self.stream.send_all(line + b"\r\n")
        return await self.reply()

    async def start_tls(self, ca: Path) -> trio.SSLStream[trio.abc.Stream]:
        tls = trio.SSLStream(self.stream, client_context(ca=ca), server_hostname=HOST)
        await tls.do_handshake()
        self.stream = tls
        return tls


async def conversation(home: Path, policy: Policy, nursery: trio.Nursery) -> tuple[Wire, Path]:
    files = generated_certificate(HOST, home)
    client, server = trio.testing.memory_stream_pair()
    nursery.start_soon(lambda: serve_stream(server, policy=policy, store=MemoryStore(),
                                            options=StreamOptions(tls=server_context(files))))
    wire = Wire(client)
    assert (await wire.reply()).startswith(b"220 ")
    assert files.ca is not None
    return wire, files.ca


async def test_starttls_then_ehlo_again_lists_auth_and_not_starttls(certificate: Path) -> None:
    async with trio.open_nursery() as nursery:
        wire, ca = await conversation(certificate, Policy(tls=True, auth=True), nursery)
        assert b"250-STARTTLS" in await wire.command(b"EHLO client.example")
        assert await wire.command(b"STARTTLS") == b"220 2.0.0 Ready to start TLS\r\n"
        tls = await wire.start_tls(ca)
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        ehlo = await wire.command(b"EHLO client.example")
        assert b"STARTTLS" not in ehlo and b"250-AUTH PLAIN LOGIN" in ehlo
        assert (await wire.command(b"AUTH PLAIN AHN0dWRlbnQAc2VjcmV0")).startswith(b"235 ")
        assert (await wire.command(b"QUIT")).startswith(b"221 ")
        assert await wire.reply() == b""  # closed (after close_notify)


async def test_injected_command_after_starttls_is_never_answered(certificate: Path) -> None:
    async with trio.open_nursery() as nursery:
        wire, ca = await conversation(certificate, Policy(tls=True), nursery)
        await wire.command(b"EHLO client.example")
        await wire.stream.send_all(b"STARTTLS\r\nRSET\r\n")  # one packet
        assert await wire.reply() == b"220 2.0.0 Ready to start TLS\r\n"
        await wire.start_tls(ca)
        # The first reply on TLS is the NOOP's: the RSET was dropped, not run.
        assert await wire.command(b"NOOP") == b"250 2.0.0 OK\r\n"
        assert await wire.command(b"MAIL FROM:<a@b.example>") == (
            b"503 5.5.1 Bad sequence of commands: send EHLO or HELO first\r\n")
        nursery.cancel_scope.cancel()


async def test_a_failed_handshake_ends_that_connection_with_a_log_line(
        certificate: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        async with trio.open_nursery() as nursery:
            wire, _ = await conversation(certificate, Policy(tls=True), nursery)
            await wire.command(b"EHLO client.example")
            await wire.command(b"STARTTLS")
            await wire.stream.send_all(b"this is not a TLS client hello\r\n")
            assert await wire.reply() == b""  # the server hung up
    [record] = [r for r in caplog.records if "TLS handshake failed" in r.getMessage()]
    assert "wrong version number" in record.getMessage()


async def test_a_client_that_does_not_trust_the_certificate_is_logged(
        certificate: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        async with trio.open_nursery() as nursery:
            wire, _ = await conversation(certificate, Policy(tls=True), nursery)
            await wire.command(b"EHLO client.example")
            await wire.command(b"STARTTLS")
            tls = trio.SSLStream(wire.stream, ssl.create_default_context(),
                                 server_hostname=HOST)
            with pytest.raises(trio.BrokenResourceError):
                await tls.do_handshake()
            await tls.transport_stream.aclose()
    assert any("TLS handshake failed: the client closed the connection during the handshake"
               in r.getMessage() for r in caplog.records)


async def test_the_error_budget_closes_a_tls_session_after_its_421(certificate: Path) -> None:
    async with trio.open_nursery() as nursery:
        wire, ca = await conversation(certificate, Policy(tls=True, error_budget=2), nursery)
        await wire.command(b"EHLO client.example")
        await wire.command(b"STARTTLS")
        await wire.start_tls(ca)
        await wire.stream.send_all(b"BAD\r\nWORSE\r\nNOOP\r\n")
        replies = [await wire.reply() for _ in range(3)]
        assert [r[:3] for r in replies] == [b"500", b"500", b"421"]
        assert await wire.reply() == b""


async def test_without_a_certificate_starttls_is_454() -> None:
    client, server = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=Policy(tls=True),
                                                store=MemoryStore()))
        wire = Wire(client)
        await wire.reply()
        await wire.command(b"EHLO client.example")
        assert (await wire.command(b"STARTTLS")).startswith(b"454 4.7.0 ")
        nursery.cancel_scope.cancel()


def test_the_generated_certificate_is_kept_and_reused(tmp_path: Path) -> None:
    first = generated_certificate("mail.example", tmp_path)
    again = generated_certificate("mail.example", tmp_path)
    assert first == again and fingerprint(first.cert) == fingerprint(again.cert)
    assert first.cert.parent == tmp_path / "tls" / "mail.example"
    assert oct(first.key.stat().st_mode)[-3:] == "600"
    other = generated_certificate("other.example", tmp_path)
    assert fingerprint(other.cert) != fingerprint(first.cert)
    assert len(fingerprint(first.cert).split(":")) == 32


async def test_shutdown_says_421_over_tls(certificate: Path) -> None:
    async with trio.open_nursery() as nursery:
        wire, ca = await conversation(certificate, Policy(tls=True), nursery)
        await wire.command(b"EHLO client.example")
        await wire.command(b"STARTTLS")
        await wire.start_tls(ca)
        nursery.cancel_scope.cancel()
    with trio.CancelScope(deadline=trio.current_time() + 5):
        assert (await wire.reply()).startswith(b"421 4.3.2 ")


async def test_idle_timeout_inside_the_auth_dialogue(certificate: Path,
                                                     autojump_clock: trio.testing.MockClock,
                                                     ) -> None:
    files = generated_certificate(HOST, certificate)
    client, server = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: serve_stream(server, policy=Policy(auth=True),
                                                store=MemoryStore(), options=StreamOptions(
                                                    Timeouts(idle=30), tls=server_context(files))))
        wire = Wire(client)
        await wire.reply()
        await wire.command(b"EHLO client.example")
        assert await wire.command(b"AUTH LOGIN") == b"334 VXNlcm5hbWU6\r\n"
        assert (await wire.reply()).startswith(b"421 4.4.2 ")


async def test_the_upgradable_stream_keeps_trios_stream_contract(certificate: Path) -> None:
    """Before the switch it is the plain stream, half-closing included."""
    from simulator.server.tls import UpgradableStream
    from simulator.server.wire import AnyStream

    context = server_context(generated_certificate(HOST, certificate))

    async def pair() -> tuple[UpgradableStream, UpgradableStream]:
        left, right = trio.testing.memory_stream_pair()
        return (UpgradableStream(AnyStream(left), context),
                UpgradableStream(AnyStream(right), context))

    await trio.testing.check_half_closeable_stream(pair, None)


@pytest.mark.parametrize("name", ["cert.pem", "key.pem", "ca.pem"])
def test_a_corrupt_generated_file_is_made_again_and_says_which(tmp_path: Path, name: str) -> None:
    first = generated_certificate("mail.example", tmp_path)
    before = fingerprint(first.cert)
    (first.cert.parent / name).write_bytes(b"-----BEGIN GARBAGE-----\n")
    again = generated_certificate("mail.example", tmp_path)
    assert again.remade == name and fingerprint(again.cert) != before
    assert server_context(again) is not None
    assert generated_certificate("mail.example", tmp_path).remade is None  # kept from now on


def test_a_key_of_another_certificate_is_made_again(tmp_path: Path) -> None:
    mine = generated_certificate("mail.example", tmp_path)
    other = generated_certificate("other.example", tmp_path)
    mine.key.write_bytes(other.key.read_bytes())
    assert generated_certificate("mail.example", tmp_path).remade == "key.pem"


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_a_generated_key_that_is_not_a_file_is_made_again_at_once(tmp_path: Path,
                                                                   kind: str) -> None:
    files = generated_certificate("mail.example", tmp_path)
    files.key.unlink()
    NOT_FILES[kind](files.key)
    started = time.monotonic()
    again = generated_certificate("mail.example", tmp_path)
    assert time.monotonic() - started < 10
    assert again.remade == "key.pem" and again.key.is_file() and not again.key.is_symlink()


def test_generated_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    old = os.umask(0)
    try:
        files = generated_certificate("mail.example", tmp_path / "home")
    finally:
        os.umask(old)
    folder = files.cert.parent
    for made in (folder, folder.parent, tmp_path / "home"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755  # the user's own: left as it was
    for path in (files.cert, files.key, files.ca):
        assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600
