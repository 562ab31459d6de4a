"""``smtp-sim`` / ``smtp-sim repl``: the console, built from the command line's options."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import trio

from simulator.faces.shell.app import Console
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.settings import choose_lang
from simulator.lessons.ui import text
from simulator.protocol import Policy
from simulator.protocol.escape import show_text
from simulator.render.terminal import wants_color

if TYPE_CHECKING:
    from simulator.server.secure import Prepared


class _Refused(Exception):
    """An option the console cannot start with; the sentence says what to give instead."""


def run_app(args: argparse.Namespace) -> int:
    """``smtp-sim`` / ``smtp-sim repl``: the interactive console."""
    try:
        connect_to = _connect_to(args)
        security = _security(args)
    except _Refused as refused:
        print(refused, file=sys.stderr)
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


def _connect_to(args: argparse.Namespace) -> tuple[str, int] | None:
    """``--connect HOST:PORT`` read; _Refused when it is not one."""
    if not args.connect:
        return None
    from simulator.client import parse_peer

    try:
        return parse_peer(args.connect)
    except ValueError:
        raise _Refused(text("run.bad-peer", choose_lang(args.lang),
                            given=show_text(args.connect, limit=80))) from None


def _security(args: argparse.Namespace) -> Prepared:
    """The built-in server's scenario, limits, TLS and AUTH; _Refused when one is wrong."""
    from simulator.lessons.scenarios import ScenarioError, from_arguments
    from simulator.server.secure import OptionError, prepare, read_options

    try:
        scenario = from_arguments(args)
        policy = Policy(accept_bare_lf=bool(args.accept_bare_lf), scenario=scenario,
                        soft_error_limit=args.soft_error_limit, error_sleep=args.error_sleep)
        return prepare(read_options(args), policy)
    except (ScenarioError, OptionError) as err:
        raise _Refused(f"smtp-sim: {err}") from None
