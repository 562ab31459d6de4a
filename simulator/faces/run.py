"""``smtp-sim run FILE``: send a file of command lines and print the explained transcript.

No terminal, no prompt_toolkit: for handouts, scripts and tests. The console's piped mode
(``echo EHLO x | smtp-sim``) is this face too.
"""

from __future__ import annotations

import argparse
import sys
from typing import Final

from simulator.client import TcpConnection
from simulator.client.script import ended_in_data, play, split_lines
from simulator.render.terminal import wants_color
from simulator.render.transcript import format_json, format_markdown, format_text

_UNSENT: Final = ("(the server closed the connection; {count} line(s) not sent)",
                  "（服务器已关闭连接；{count} 行没有发送）")
"""The notice after a transcript cut short (English, Chinese)."""
_IN_DATA: Final = ("smtp-sim run: the file ended inside DATA (no line holding only \".\" after "
                   "the 354), so that message was never finished or sent",
                   "smtp-sim run：文件在 DATA 中途结束（354 之后没有只含 \".\" 的一行），"
                   "所以那封邮件没有写完，也没有发出")
"""Said on stderr when the file stops in the middle of a message (English, Chinese)."""


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


def run_file(args: argparse.Namespace) -> int:
    """``smtp-sim run FILE``: print the explained transcript; 2 when the file cannot be read."""
    import trio

    from simulator.lessons.scenarios import ScenarioError, from_arguments
    from simulator.protocol import Policy

    try:
        scenario = from_arguments(args)  # before any input is read: a bad file stops the run
    except ScenarioError as err:
        print(f"smtp-sim run: {err}", file=sys.stderr)
        return 2
    try:
        data = _read(args.file)
    except OSError as err:
        print(f"smtp-sim run: cannot read {args.file}: {err.strerror or err}", file=sys.stderr)
        return 2
    lang = args.lang or "en"
    policy = Policy(accept_bare_lf=bool(getattr(args, "accept_bare_lf", False)),
                    scenario=scenario)
    peer: tuple[str, int] | None = getattr(args, "connect_to", None)
    if peer is None and getattr(args, "connect", None):  # if the CLI gives `run` --connect
        from simulator.client import parse_peer

        try:
            peer = parse_peer(args.connect)
        except ValueError as err:
            print(f"smtp-sim run: --connect: {err}", file=sys.stderr)
            return 2
    connection = None if peer is None else TcpConnection(*peer)
    try:
        steps, unsent = trio.run(
            lambda: play(split_lines(data), policy=policy, connection=connection))
    except OSError as err:
        print(f"smtp-sim: cannot connect to {peer}: {err.strerror or err}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(format_json(steps, lang, unsent=unsent))
    elif args.format == "markdown":
        print(format_markdown(steps, lang))
    else:
        color = wants_color(sys.stdout, no_color=args.no_color)
        sys.stdout.write(format_text(steps, lang, color=color))
        if unsent:
            print(_UNSENT[lang == "zh"].format(count=unsent))
    if not unsent and ended_in_data(steps):
        print(_IN_DATA[lang == "zh"], file=sys.stderr)
    return 0
