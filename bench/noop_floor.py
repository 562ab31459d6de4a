"""A reference point: the least a trio server does, for startup, memory, CPU and latency.

It greets, then answers each command line with one reply: DATA with the 354, QUIT with the
221 (then it closes), any other line with the NOOP reply; after a 354 it skips the message
text to the final dot and answers it with the NOOP reply. So it serves ``smtp-source``'s whole
sessions as well as a NOOP loop, on trio sockets, with no engine, no log, no timeout, no
parsing beyond the first four octets of a line, and it imports nothing but trio: the bench
hands it the replies' bytes (from the catalogue) on the command line.

``bench_server.py`` runs it beside smtp-sim and aiosmtpd: its time from spawn to the first
220 is the startup smtp-sim is compared with (starting Python and importing trio outweigh
aiosmtpd's whole start, so a bare trio server is the fair reference), and its server CPU per
session, NOOP round trip and memory per idle connection show how much of smtp-sim's is trio
itself.
Run: ``python bench/noop_floor.py PORT GREETING_HEX NOOP_HEX GO_AHEAD_HEX BYE_HEX``.
"""

from __future__ import annotations

import sys

import trio

END_OF_TEXT = b"\r\n.\r\n"


async def answer(sock: trio.socket.SocketType, replies: tuple[bytes, ...]) -> None:
    greeting, ok, go_ahead, bye = replies
    with sock:
        try:
            await sock.send(greeting)
            pending, text = b"", False
            while data := await sock.recv(4096):
                pending += data
                out = []
                while True:
                    if text:  # skip message text up to the final dot
                        end = pending.find(END_OF_TEXT)
                        if end < 0:
                            pending = pending[-len(END_OF_TEXT):]
                            break
                        pending, text = pending[end + len(END_OF_TEXT):], False
                        out.append(ok)
                        continue
                    end = pending.find(b"\n")
                    if end < 0:
                        break
                    verb, pending = pending[:4].upper(), pending[end + 1:]
                    if verb == b"QUIT":
                        await sock.send(b"".join(out) + bye)
                        return
                    if verb == b"DATA":
                        out.append(go_ahead)
                        pending, text = b"\r\n" + pending, True  # an empty text ends at once
                    else:
                        out.append(ok)
                if out:
                    await sock.send(b"".join(out))
        except OSError:
            pass  # the client left


async def main(port: int, replies: tuple[bytes, ...]) -> None:
    listener = trio.socket.socket()
    await listener.bind(("127.0.0.1", port))
    listener.listen(65535)  # as trio.open_tcp_listeners: a burst waits in the kernel queue
    async with trio.open_nursery() as nursery:
        while True:
            sock, _ = await listener.accept()
            nursery.start_soon(answer, sock, replies)


if __name__ == "__main__":
    trio.run(main, int(sys.argv[1]), tuple(bytes.fromhex(arg) for arg in sys.argv[2:6]))
