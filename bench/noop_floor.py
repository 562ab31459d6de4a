"""A reference point for the NOOP latency: the least a trio server can do per round trip.

It greets, then answers every line with the catalogue's NOOP reply, using trio sockets and
no engine, no log, no timeout. ``bench_server.py`` times it beside smtp-sim and aiosmtpd, to
show how much of smtp-sim's round trip is trio itself. Run: ``python bench/noop_floor.py PORT``.
"""

from __future__ import annotations

import sys

import trio

from simulator.protocol import make_reply

GREETING = make_reply("session.greeting", host="floor.localhost").to_bytes()
NOOP = make_reply("session.noop").to_bytes()


async def answer(sock: trio.socket.SocketType) -> None:
    with sock:
        try:
            await sock.send(GREETING)
            while data := await sock.recv(4096):
                await sock.send(NOOP * data.count(b"\n"))
        except OSError:
            pass  # the client left


async def main(port: int) -> None:
    listener = trio.socket.socket()
    await listener.bind(("127.0.0.1", port))
    listener.listen()
    async with trio.open_nursery() as nursery:
        while True:
            sock, _ = await listener.accept()
            nursery.start_soon(answer, sock)


if __name__ == "__main__":
    trio.run(main, int(sys.argv[1]))
