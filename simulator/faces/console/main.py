"""``smtp-sim`` / ``smtp-sim repl``: the console, built from the command line's options."""

from __future__ import annotations

import argparse
import sys

import trio

from simulator.faces.shell.app import Console
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.settings import choose_lang
from simulator.lessons.ui import text
from simulator.protocol import Policy
from simulator.protocol.escape import show_text
from simulator.render.terminal import wants_color


def run_app(args: argparse.Namespace) -> int:
    """``smtp-sim`` / ``smtp-sim repl``: the interactive console."""
    from simulator.client import parse_peer

    connect_to = None
    if args.connect:
        try:
            connect_to = parse_peer(args.connect)
        except ValueError:
            print(text("run.bad-peer", choose_lang(args.lang),
                       given=show_text(args.connect, limit=80)), file=sys.stderr)
            return 2
    from simulator.lessons.scenarios import ScenarioError, from_arguments
    from simulator.server.secure import OptionError, prepare, read_options

    try:
        scenario = from_arguments(args)
        policy = Policy(accept_bare_lf=bool(args.accept_bare_lf), scenario=scenario,
                        soft_error_limit=args.soft_error_limit, error_sleep=args.error_sleep)
        security = prepare(read_options(args), policy)
    except (ScenarioError, OptionError) as err:
        print(f"smtp-sim: {err}", file=sys.stderr)
        return 2
    lang = choose_lang(args.lang)
    from simulator.client.labhosts import Refusal, named_host
    from simulator.faces.shell.connect import lab_server

    lab = None if connect_to is None else named_host(security.policy.scenario.zone, *connect_to)
    if isinstance(lab, Refusal):  # a lab name, but no zone or no such port: say what to do
        print(text(f"console.{lab.key}", lang, **lab.fields), file=sys.stderr)
        return 2
    policy, prepared = security.policy, security
    if lab is not None:  # a host of the scenario's zone: played in-process, never the network
        policy, prepared = lab_server(policy, lab)
    settings = ConsoleSettings(
        lang=lang, color=wants_color(sys.stdout, no_color=args.no_color),
        wrap=sys.stdout.isatty(), policy=policy, security=prepared,
        connect_to=None if lab else connect_to, verify=bool(getattr(args, "verify", False)))
    console = Console(settings, sys.stdout)
    if lab is not None:
        console.ctx.say(f"connect-lab-{lab.port}", host=lab.host, port=lab.port)
    status: int = trio.run(console.run)
    return status
