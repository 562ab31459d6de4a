"""Real clients over TCP with STARTTLS, AUTH and implicit TLS: swaks, smtplib, curl, openssl."""

from __future__ import annotations

import math
import smtplib
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
import trio

from simulator.protocol import Policy
from simulator.protocol.auth import Account
from simulator.render.logline import format_exchange
from simulator.server import (
    Feed,
    Listening,
    PeerExchange,
    SessionEnd,
    TcpOptions,
    Watchers,
    serve_tcp,
)
from simulator.server.store import MemoryStore
from simulator.server.tls import generated_certificate, server_context
from tests.smtp_client import GUARD, read_line

HOST = "smtp-sim.localhost"
TEXT = b"Subject: hello\r\nFrom: ann@example.org\r\n\r\nHi Bob.\r\n"
ACCOUNTS = (Account("student", "secret"), Account("qq", "web-pass", "abcdefghijklmnop"))


@dataclass
class TlsServer:
    port: int
    tls_port: int
    ca: Path
    store: MemoryStore
    feed: trio.MemoryReceiveChannel[PeerExchange | SessionEnd]

    def log(self) -> str:
        lines = []
        while True:
            try:
                item = self.feed.receive_nowait()
            except trio.WouldBlock:
                return "\n".join(lines)
            if isinstance(item, PeerExchange):  # not the session's end
                lines.append(format_exchange(item.session_id, item.peer, item.exchange))


@asynccontextmanager
async def tls_server(tmp_path: Path, **policy: object) -> AsyncIterator[TlsServer]:
    files = generated_certificate(HOST, tmp_path)
    assert files.ca is not None
    store = MemoryStore()
    send, receive = trio.open_memory_channel[PeerExchange | SessionEnd](math.inf)
    settings = {"tls": True, "auth": True, "accounts": ACCOUNTS, **policy}
    async with trio.open_nursery() as nursery:
        serve = partial(serve_tcp, policy=Policy(**settings),  # type: ignore[arg-type]
                        store=store, watchers=Watchers(Feed(send)),
                        options=TcpOptions(port=0, tls=server_context(files), tls_port=0))
        bound: Listening = await nursery.start(serve)
        assert bound.tls_port is not None
        yield TlsServer(bound.port, bound.tls_port, files.ca, store, receive)
        nursery.cancel_scope.cancel()


async def run(*command: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return await trio.run_process(list(command), stdin=stdin, capture_stdout=True,
                                  capture_stderr=True, check=False)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
async def test_swaks_starttls_and_auth(tmp_path: Path, mechanism: str) -> None:
    async with tls_server(tmp_path) as server:
        result = await run("swaks", "--server", f"127.0.0.1:{server.port}", "--tls",
                           "--tls-ca-path", str(server.ca), "--tls-verify",
                           "--auth", mechanism, "--auth-user", "student",
                           "--auth-password", "secret", "--from", "ann@example.org",
                           "--to", "bob@example.net", "--helo", "client.example",
                           "--timeout", "10")
        assert result.returncode == 0, result.stdout + result.stderr
        assert b"<~  235 2.7.0 Authentication successful" in result.stdout
        assert b"TLS started with cipher TLSv1.3" in result.stdout
        [stored] = server.store.messages()
        assert b"with ESMTPSA id" in stored.message.content
        log = server.log()
    assert "secret" not in log and "c2VjcmV0" not in log and "AHN0dWRlbnQAc2VjcmV0" not in log
    assert ("AUTH PLAIN ****" in log) if mechanism == "PLAIN" else ("-> ****  <- 235" in log)


async def test_swaks_with_the_account_password_of_an_app_password_account(
        tmp_path: Path) -> None:
    async with tls_server(tmp_path) as server:
        result = await run("swaks", "--server", f"127.0.0.1:{server.port}", "--tls",
                           "--auth", "LOGIN", "--auth-user", "qq", "--auth-password",
                           "web-pass", "--to", "bob@example.net", "--timeout", "10")
        assert result.returncode != 0
        assert b"<~* 534 5.7.9 Application-specific password required" in result.stdout


def smtplib_starttls_login(port: int, ca: Path, password: str) -> tuple[int, bytes]:
    context = ssl.create_default_context(cafile=str(ca))
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.example",
                      timeout=GUARD) as client:
        client.starttls(context=context)  # verified: the certificate names 127.0.0.1 too
        try:
            client.login("student", password)
        except smtplib.SMTPAuthenticationError as err:
            return err.smtp_code, err.smtp_error
        client.sendmail("ann@example.org", ["bob@example.net"], TEXT)
        return 235, b""


async def test_smtplib_starttls_and_login(tmp_path: Path) -> None:
    async with tls_server(tmp_path) as server:
        login = partial(smtplib_starttls_login, server.port, server.ca)
        assert await trio.to_thread.run_sync(login, "secret") == (235, b"")
        assert await trio.to_thread.run_sync(login, "wrong") == (
            535, b"5.7.8 Authentication credentials invalid")
        assert len(server.store.messages()) == 1


def smtplib_over_implicit_tls(port: int, ca: Path) -> bytes:
    context = ssl.create_default_context(cafile=str(ca))
    with smtplib.SMTP_SSL("127.0.0.1", port, context=context, timeout=GUARD) as client:
        code, text = client.ehlo("client.example")
        assert code == 250 and b"STARTTLS" not in text and b"AUTH PLAIN LOGIN" in text
        client.login("student", "secret")
        client.sendmail("ann@example.org", ["bob@example.net"], TEXT)
        assert isinstance(client.sock, ssl.SSLSocket)
        return (client.sock.version() or "").encode()


async def test_smtplib_smtp_ssl_on_the_implicit_tls_port(tmp_path: Path) -> None:
    async with tls_server(tmp_path) as server:
        version = await trio.to_thread.run_sync(smtplib_over_implicit_tls, server.tls_port,
                                                server.ca)
        assert version.startswith(b"TLSv1.")
        [stored] = server.store.messages()
        assert stored.message.envelope.sender == "ann@example.org"


async def test_curl_ssl_reqd_with_login(tmp_path: Path) -> None:
    mail = tmp_path / "mail.txt"
    mail.write_bytes(TEXT)
    async with tls_server(tmp_path, require_tls=True, require_auth=True) as server:
        result = await run("curl", "--silent", "--show-error", "--max-time", "10",
                           "--ssl-reqd", "--cacert", str(server.ca), "--resolve",
                           f"{HOST}:{server.port}:127.0.0.1",
                           f"smtp://{HOST}:{server.port}/client.example",
                           "--user", "student:secret", "--mail-from", "ann@example.org",
                           "--mail-rcpt", "bob@example.net", "--upload-file", str(mail))
        assert result.returncode == 0, result.stderr
        [stored] = server.store.messages()
        assert stored.message.content.endswith(TEXT)


async def test_openssl_s_client_starttls_smtp(tmp_path: Path) -> None:
    async with tls_server(tmp_path) as server:
        result = await run("openssl", "s_client", "-starttls", "smtp", "-connect",
                           f"127.0.0.1:{server.port}", "-CAfile", str(server.ca),
                           "-verify_return_error", "-quiet", "-crlf",
                           stdin=b"EHLO client.example\nAUTH PLAIN AHN0dWRlbnQAc2VjcmV0\nQUIT\n")
        assert b"250-AUTH PLAIN LOGIN" in result.stdout, result.stderr
        assert b"235 2.7.0 Authentication successful" in result.stdout
        assert b"221 2.0.0" in result.stdout
        assert b"unexpected eof" not in result.stderr  # the server said close_notify


async def test_a_client_without_tls_is_refused_but_others_go_on(tmp_path: Path) -> None:
    async with tls_server(tmp_path, require_tls=True) as server:
        result = await run("swaks", "--server", f"127.0.0.1:{server.port}",
                           "--to", "bob@example.net", "--timeout", "10")
        assert b"530 5.7.0 Must issue a STARTTLS command first" in result.stdout
        broken = await run("openssl", "s_client", "-starttls", "smtp", "-connect",
                           f"127.0.0.1:{server.port}", "-tls1_1", stdin=b"")
        assert broken.returncode != 0
        ok = await trio.to_thread.run_sync(smtplib_starttls_login, server.port, server.ca,
                                           "secret")
        assert ok == (235, b"")


def test_serve_prints_the_fingerprint_and_the_accounts(tmp_path: Path) -> None:
    env = {"SMTP_SIM_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0",
                             "--tls", "--auth", "--tls-port", "0", "--user",
                             "qq:web:app-password"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        lines = [read_line(proc).decode() for _ in range(5)]
    finally:
        proc.kill()
        proc.wait()
    assert lines[0].startswith("listening on smtp://127.0.0.1:")
    assert str(tmp_path / "tls" / "smtp-sim.localhost" / "cert.pem") in lines[1]
    assert lines[2].startswith("certificate SHA-256 fingerprint: ")
    assert len(lines[2].split(": ")[1].strip().split(":")) == 32
    assert lines[3].startswith("implicit TLS on smtps://127.0.0.1:")
    assert lines[4].startswith("AUTH account: qq / web (needs its app password: ")


def flood_after_starttls(port: int, ca: Path) -> tuple[list[bytes], str]:
    """STARTTLS, then a bad line that spends the budget and more lines behind it at once:
    the 421 must arrive whole and the connection end cleanly, not with a reset."""
    import socket

    context = ssl.create_default_context(cafile=str(ca))
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as raw:
        reader = raw.makefile("rb")
        reader.readline()
        raw.sendall(b"EHLO client.example\r\n")
        while reader.readline()[3:4] == b"-":
            pass
        raw.sendall(b"STARTTLS\r\n")
        reader.readline()
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"BAD\r\n" + b"NOOP still talking\r\n" * 2000)
            data = b""
            try:
                while chunk := tls.recv(65536):
                    data += chunk
                ending = "eof"
            except ssl.SSLEOFError:
                ending = "eof without close_notify"
            except ConnectionResetError:
                ending = "reset"
    return data.split(b"\r\n")[:2], ending


async def test_draining_before_a_close_works_on_tls(tmp_path: Path) -> None:
    async with tls_server(tmp_path, error_budget=1) as server:
        first, ending = await trio.to_thread.run_sync(flood_after_starttls, server.port,
                                                      server.ca)
    assert first[0].startswith(b"500 5.5.2") and first[1].startswith(b"421 4.7.0")
    assert ending == "eof"


async def test_serve_uses_the_named_certificate(tmp_path: Path) -> None:
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("mail.example", "127.0.0.1")
    cert, key, ca_file = tmp_path / "c.pem", tmp_path / "k.pem", tmp_path / "ca.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0",
                             "--cert", str(cert), "--key", str(key), "--auth"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"SMTP_SIM_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    try:
        lines = [read_line(proc).decode() for _ in range(4)]
        port = int(lines[0].rsplit(":", 1)[1])
        assert lines[1] == f"STARTTLS offered with certificate {cert}\n"  # not generated
        assert await trio.to_thread.run_sync(smtplib_starttls_login, port, ca_file,
                                             "secret") == (235, b"")
    finally:
        proc.kill()
        proc.wait()
    assert not (tmp_path / "home" / "tls").exists()


async def replies_until(server: TlsServer, key: str) -> list[str]:
    """The keys of the replies the server published, up to the one with ``key``."""
    keys: list[str] = []
    with trio.fail_after(GUARD):
        while key not in keys:
            item = await server.feed.receive()
            if isinstance(item, PeerExchange):  # not the session's end
                keys.append(item.exchange.reply.key)
    return keys


async def test_tls_spoken_on_the_plain_port_is_one_error_then_the_end(tmp_path: Path) -> None:
    async with tls_server(tmp_path) as server:
        result = await run("openssl", "s_client", "-connect", f"127.0.0.1:{server.port}",
                           stdin=b"")
        assert result.returncode != 0  # it read our 220 as a TLS record
        keys = await replies_until(server, "tls.spoken-on-plain-port")
    assert keys == ["session.greeting", "tls.spoken-on-plain-port"]


async def test_a_client_without_the_ca_is_told_apart_from_other_failures(
        tmp_path: Path) -> None:
    async with tls_server(tmp_path) as server:
        refused = await run("curl", "--silent", "--max-time", "10", "--ssl-reqd",
                            f"smtp://127.0.0.1:{server.port}/client.example",
                            "--mail-from", "ann@example.org", "--mail-rcpt", "b@example.net",
                            "--upload-file", "/dev/null")
        assert refused.returncode == 60  # curl: peer certificate cannot be authenticated
        keys = await replies_until(server, "tls.certificate-refused")
        assert keys[-2:] == ["tls.ready", "tls.certificate-refused"]
        old = await run("openssl", "s_client", "-starttls", "smtp", "-connect",
                        f"127.0.0.1:{server.port}", "-tls1_1", stdin=b"")
        assert old.returncode != 0
        keys = await replies_until(server, "tls.handshake-failed")
        assert "tls.certificate-refused" not in keys
