"""``smtp-sim serve``'s options: what is wrong with them, and the server they describe.

Kept apart from :mod:`simulator.faces.serve` (the running server): reading the command line
is one job, serving another.
"""

from __future__ import annotations

import argparse
from typing import Final

from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.protocol import Policy
from simulator.protocol.rules import STRICT, Scenario
from simulator.server import TcpOptions, Timeouts
from simulator.server.addresses import valid_hostname
from simulator.server.options import per_client_limit
from simulator.server.secure import OptionError, Prepared, prepare, read_options

SCENARIO_OPTIONS: Final = ("scenario", "greylist_delay", "rate_limit", "fault_rate", "seed")


def _lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", None) or LANGS[0])


def prepared(args: argparse.Namespace, lang: str, *,
             dashboard_without_terminal: bool = False,
             lesson: Prepared | None = None) -> Prepared | str:
    """The server the options describe (policy, scenario, TLS, AUTH), or what is wrong with
    them, in ``lang``; ``lesson``: the server a lesson set up (``--lesson``) instead."""
    problem = _check_options(args)
    if not problem and dashboard_without_terminal:
        from simulator.lessons.classroom import say as classroom_say

        problem = classroom_say(lang, "dashboard", "not-a-terminal")
    if problem:
        return problem
    if lesson is not None:
        return lesson
    scenario = _scenario(args)
    if isinstance(scenario, str):
        return scenario
    try:
        return prepare(read_options(args), make_policy(args, scenario))
    except OptionError as err:
        return str(err)


def _scenario(args: argparse.Namespace) -> Scenario | str:
    """The scenario asked for, or what is wrong with it. Without any scenario option it is
    the engine's strict default as it is: reading strict.toml, and importing the lessons
    package to do so, cost every start of the default server a sixth of its own startup."""
    if all(getattr(args, name, None) is None for name in SCENARIO_OPTIONS):
        return STRICT
    from simulator.lessons.scenarios import ScenarioError, from_arguments

    try:
        return from_arguments(args)
    except ScenarioError as err:
        return err.text(_lang(args))


def make_policy(args: argparse.Namespace, scenario: Scenario = STRICT) -> Policy:
    """The server's Policy from the command line; the engine's defaults for what is not given."""
    defaults = Policy()
    return Policy(hostname=args.hostname or defaults.hostname,
                  max_message_size=args.max_size or defaults.max_message_size,
                  accept_bare_lf=args.accept_bare_lf, scenario=scenario,
                  soft_error_limit=args.soft_error_limit, error_sleep=args.error_sleep,
                  junk_command_limit=args.junk_command_limit,
                  auth_failure_limit=args.auth_failure_limit)


def _check_options(args: argparse.Namespace) -> str | None:
    """What is wrong with the options, in the chosen language; None when nothing is."""
    lang = _lang(args)
    if not 0 <= args.port <= 65535:
        return text("serve.bad-port", lang, port=args.port)
    if args.max_clients < 1:
        return text("serve.bad-max-clients", lang)
    for option in ("timeout", "data_block_timeout", "data_timeout"):
        if not getattr(args, option) > 0:
            return text("serve.bad-seconds", lang, option=f"--{option.replace('_', '-')}")
    if args.memory_limit < 1:
        return text("serve.bad-memory-limit", lang)
    if args.max_size is not None and args.max_size < 1:
        return text("serve.bad-max-size", lang)
    if args.hostname is not None and not valid_hostname(args.hostname):
        return text("serve.bad-hostname", lang)
    return None


def tcp_options(args: argparse.Namespace, security: Prepared,
                idle: float | None = None) -> TcpOptions:
    """Where and how the server listens, as the command line says (``idle``: a lesson's
    idle timeout instead of ``--timeout``)."""
    return TcpOptions(host=args.host, port=args.port, max_clients=args.max_clients,
                      timeouts=Timeouts(idle or args.timeout, args.data_block_timeout,
                                        args.data_timeout),
                      tls=security.context, tls_port=args.tls_port,
                      max_per_client=per_client_limit(args.host, args.max_per_client))
