"""``smtp-sim`` / ``smtp-sim repl``: the console, built from the command line's options."""

from __future__ import annotations

import sys

import trio

from simulator.client.connection import parse_peer
from simulator.client.labhosts import Refusal, named_host
from simulator.faces.shell.app import Console
from simulator.faces.shell.connect import lab_server
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.settings import choose_lang
from simulator.lessons.scenarios import ScenarioError, chosen
from simulator.lessons.ui import option_text, text
from simulator.options.records import ConsoleOptions, OptionError
from simulator.protocol import Policy
from simulator.protocol.escape import show_text
from simulator.render.terminal import wants_color
from simulator.server.secure import Prepared, prepare, read_options


def run_console(options: ConsoleOptions) -> int:
    """``smtp-sim`` / ``smtp-sim repl``: the interactive console; the exit status."""
    session = options.session
    lang = choose_lang(options.lang)
    connect_to = None
    if session.connect:
        try:
            connect_to = parse_peer(session.connect)
        except ValueError:
            print(text("run.bad-peer", lang, given=show_text(session.connect, limit=80)),
                  file=sys.stderr)
            return 2
    security = _security(options, lang)
    if isinstance(security, str):
        print(f"smtp-sim: {security}", file=sys.stderr)
        return 2
    lab = None if connect_to is None else named_host(security.policy.scenario.zone, *connect_to)
    if isinstance(lab, Refusal):  # a lab name, but no zone or no such port: say what to do
        print(text(f"console.{lab.key}", lang, **lab.fields), file=sys.stderr)
        return 2
    policy, prepared = security.policy, security
    if lab is not None:  # a host of the scenario's zone: played in-process, never the network
        policy, prepared = lab_server(policy, lab)
    settings = ConsoleSettings(
        lang=lang, color=wants_color(sys.stdout, no_color=options.no_color),
        wrap=sys.stdout.isatty(), policy=policy, security=prepared,
        connect_to=None if lab else connect_to, verify=session.verify)
    console = Console(settings, sys.stdout)
    if lab is not None:
        console.ctx.say(f"connect-lab-{lab.port}", host=lab.host, port=lab.port)
    status: int = trio.run(console.run)
    return status


def _security(options: ConsoleOptions, lang: str) -> Prepared | str:
    """The built-in server the options describe, or what is wrong with them in ``lang``."""
    session = options.session
    try:
        policy = Policy(accept_bare_lf=session.accept_bare_lf,
                        scenario=chosen(session.scenario, lang=lang),
                        soft_error_limit=session.errors.soft_error_limit,
                        error_sleep=session.errors.error_sleep)
        return prepare(read_options(session.security), policy)
    except ScenarioError as err:
        return err.text(lang)
    except OptionError as err:
        return option_text(err, lang)
