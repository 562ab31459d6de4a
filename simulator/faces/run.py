"""``smtp-sim run FILE``: send a file of command lines and print the explained transcript.

No terminal, no prompt_toolkit: for handouts, scripts and tests. The console's piped mode
(``echo EHLO x | smtp-sim``) is this face too.
"""

from __future__ import annotations

import argparse
import sys

from simulator.client import TcpConnection
from simulator.client.script import ended_in_data, play, split_lines
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.render.terminal import wants_color
from simulator.render.transcript import format_json, format_markdown, format_text


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


def run_file(args: argparse.Namespace) -> int:
    """``smtp-sim run FILE``: print the explained transcript; 2 when the file cannot be read."""
    import trio

    from simulator.protocol import Policy

    lang = args.lang or LANGS[0]
    try:
        data = _read(args.file)
    except OSError as err:
        print(text("run.cannot-read", lang, file=args.file, error=err.strerror or err),
              file=sys.stderr)
        return 2
    policy = Policy(accept_bare_lf=bool(getattr(args, "accept_bare_lf", False)))
    peer: tuple[str, int] | None = getattr(args, "connect_to", None)
    if peer is None and getattr(args, "connect", None):  # if the CLI gives `run` --connect
        from simulator.client import parse_peer

        try:
            peer = parse_peer(args.connect)
        except ValueError as err:
            print(text("run.bad-connect", lang, error=err), file=sys.stderr)
            return 2
    connection = None if peer is None else TcpConnection(*peer)
    try:
        steps, unsent = trio.run(
            lambda: play(split_lines(data), policy=policy, connection=connection))
    except OSError as err:
        print(text("run.cannot-connect", lang, peer=peer, error=err.strerror or err),
              file=sys.stderr)
        return 1
    if args.format == "json":
        print(format_json(steps, lang, unsent=unsent))
    elif args.format == "markdown":
        print(format_markdown(steps, lang))
    else:
        color = wants_color(sys.stdout, no_color=args.no_color)
        sys.stdout.write(format_text(steps, lang, color=color))
        if unsent:
            print(text("run.unsent", lang, count=unsent))
    if not unsent and ended_in_data(steps):
        print(text("run.in-data", lang), file=sys.stderr)
    return 0
