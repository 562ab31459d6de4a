"""A student's mail client (the Kurose-Ross lab) with raw sockets, and its usual mistakes.

``python client.py [MISTAKE]``: no mistake sends the rubric's message by the rules; each
mistake breaks one (bare-lf, no-brackets, no-wait-354, no-stuffing, no-quit, early-close,
data-after-refusal, talk-first, crash, hang). ``robust`` retries what got a 4xx in a later
transaction, after the greylisting delay, and connects again after a 421; ``ignore-4xx`` never
retries, ``retry-at-once`` retries without waiting (four times), ``retry-then-wait`` retries
once at once and then after the delay, ``gives-up-421`` stops at a 421. Host, port and message come from
the environment smtp-sim grade sets (SMTP_HOST, SMTP_PORT, SMTP_FROM, SMTP_TO, SMTP_MESSAGE).
"""

import os
import socket
import sys
import time

MISTAKE = sys.argv[1] if len(sys.argv) > 1 else ""
EOL = b"\n" if MISTAKE == "bare-lf" else b"\r\n"


BUFFER = [b""]


def reply(sock, buffer=BUFFER):
    """Read one whole reply (up to the line with a space after the code)."""
    while True:
        while b"\r\n" not in buffer[0]:
            chunk = sock.recv(4096)
            if not chunk:
                return ""
            buffer[0] += chunk
        line, buffer[0] = buffer[0].split(b"\r\n", 1)
        if line[3:4] != b"-":
            return line.decode()


def command(sock, line):
    sock.sendall(line.encode() + EOL)
    return reply(sock)


def transaction(sock, sender, recipients, text):
    """One transaction; the recipients refused for now (4xx), to try again later, and
    whether the server closed the session (421)."""
    if not command(sock, f"MAIL FROM:<{sender}>").startswith("250"):
        return recipients, True  # 421: the server closes the session
    later = []
    taken = 0
    for rcpt in recipients:
        answer = command(sock, f"RCPT TO:<{rcpt}>")
        if answer.startswith("4"):
            later.append(rcpt)
        taken += answer.startswith("2")
    if not taken:
        command(sock, "RSET")
        return later, False
    command(sock, "DATA")
    sock.sendall(text)
    reply(sock)
    return later, False


def connect():
    BUFFER[0] = b""
    sock = socket.create_connection((os.environ["SMTP_HOST"], int(os.environ["SMTP_PORT"])))
    reply(sock)
    command(sock, "EHLO student.example")
    return sock


def robust(sock, sender, recipients, text):
    """Robust: what got 4xx goes again in a new transaction, after the greylisting delay
    when the server asked for it, in a new session after a 421; ignore-4xx sends once and
    gives up. Returns the socket still open, or None."""
    pending = recipients
    for attempt in range(6):
        pending, closed = transaction(sock, sender, pending, text)
        if not pending or MISTAKE == "ignore-4xx":
            return sock
        if closed:
            sock.close()
            if MISTAKE == "gives-up-421":
                return None
            sock = connect()
            continue
        at_once = MISTAKE == "retry-at-once" or (MISTAKE == "retry-then-wait" and attempt == 0)
        time.sleep(0 if at_once else 6)
    return sock


def main():
    sock = socket.create_connection((os.environ["SMTP_HOST"], int(os.environ["SMTP_PORT"])))
    if MISTAKE == "talk-first":
        sock.sendall(b"EHLO student.example\r\n")
    print(reply(sock))
    if MISTAKE != "talk-first":
        command(sock, "EHLO student.example")
    else:
        reply(sock)
    if MISTAKE == "crash":
        raise SystemExit("the program crashed")
    if MISTAKE == "hang":
        time.sleep(600)
    sender, recipients = os.environ["SMTP_FROM"], os.environ["SMTP_TO"].split(",")
    if MISTAKE in ("robust", "ignore-4xx", "retry-at-once", "retry-then-wait", "gives-up-421"):
        lines = [("." + line if line.startswith(".") else line)
                 for line in os.environ["SMTP_MESSAGE"].split("\n")]
        sock = robust(sock, sender, recipients,
                      b"".join(line.encode() + EOL for line in lines) + b".\r\n")
        if sock is not None:
            command(sock, "QUIT")
        return
    if MISTAKE == "no-brackets":
        command(sock, f"MAIL FROM: {sender}")
    else:
        command(sock, f"MAIL FROM:<{sender}>")
    for rcpt in recipients:
        target = "nobody@invalid.example" if MISTAKE == "data-after-refusal" else rcpt
        if MISTAKE == "no-brackets":
            command(sock, f"RCPT TO: {target}")
        else:
            command(sock, f"RCPT TO:<{target}>")
    lines = os.environ["SMTP_MESSAGE"].split("\n")
    if MISTAKE != "no-stuffing":
        lines = ["." + line if line.startswith(".") else line for line in lines]
    text = b"".join(line.encode() + EOL for line in lines) + b"." + EOL
    if MISTAKE == "no-wait-354":
        sock.sendall(b"DATA" + EOL)
        sock.sendall(text)
        reply(sock)
    else:
        command(sock, "DATA")
        sock.sendall(text)
    print(reply(sock))
    if MISTAKE == "no-quit":
        sock.close()
        return
    if MISTAKE == "early-close":
        sock.sendall(b"QUIT\r\n")
        sock.close()
        return
    print(command(sock, "QUIT"))
    sock.close()


main()
