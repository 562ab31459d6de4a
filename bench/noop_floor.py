"""A reference point: the least a trio server does, for NOOP latency and for startup.

It greets, then answers every line with the NOOP reply, on trio sockets, with no engine, no
log, no timeout, and imports nothing but trio: the bench hands it the two replies' bytes (from
the catalogue) on the command line. ``bench_server.py`` times it beside smtp-sim and aiosmtpd:
its NOOP round trip shows how much of smtp-sim's is trio itself, and its time from spawn to
the first 220 is the startup smtp-sim is compared with (starting Python and importing trio
outweigh aiosmtpd's whole start, so a bare trio server is the fair reference).
Run: ``python bench/noop_floor.py PORT GREETING_HEX NOOP_HEX``.
"""

from __future__ import annotations

import sys

import trio


async def answer(sock: trio.socket.SocketType, greeting: bytes, noop: bytes) -> None:
    with sock:
        try:
            await sock.send(greeting)
            while data := await sock.recv(4096):
                await sock.send(noop * data.count(b"\n"))
        except OSError:
            pass  # the client left


async def main(port: int, greeting: bytes, noop: bytes) -> None:
    listener = trio.socket.socket()
    await listener.bind(("127.0.0.1", port))
    listener.listen()
    async with trio.open_nursery() as nursery:
        while True:
            sock, _ = await listener.accept()
            nursery.start_soon(answer, sock, greeting, noop)


if __name__ == "__main__":
    trio.run(main, int(sys.argv[1]), bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3]))
