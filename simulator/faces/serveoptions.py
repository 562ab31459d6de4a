"""``smtp-sim serve``'s options: what is wrong with them, and the server they describe.

Kept apart from :mod:`simulator.faces.serve` (the running server): reading the command line
is one job, serving another.
"""

from __future__ import annotations

from simulator.lessons.classroom import say as classroom_say
from simulator.lessons.load import LANGS
from simulator.lessons.ui import option_text, text
from simulator.options import OptionError, ServeOptions
from simulator.protocol import Policy
from simulator.protocol.rules import STRICT, Scenario
from simulator.server import TcpOptions, Timeouts
from simulator.server.addresses import valid_hostname
from simulator.server.options import per_client_limit
from simulator.server.secure import Prepared, prepare, read_options


def _lang(options: ServeOptions) -> str:
    return options.lang or LANGS[0]


def prepared(options: ServeOptions, lang: str, scenario: Scenario = STRICT, *,
             dashboard_without_terminal: bool = False,
             lesson: Prepared | None = None) -> Prepared | str:
    """The server the options describe (policy, ``scenario``, TLS, AUTH), or what is wrong
    with them, in ``lang``; ``lesson``: the server a lesson set up (``--lesson``) instead."""
    problem = _check_options(options)
    if not problem and dashboard_without_terminal:
        problem = classroom_say(lang, "dashboard", "not-a-terminal")
    if problem:
        return problem
    if lesson is not None:
        return lesson
    try:
        return prepare(read_options(options.security), make_policy(options, scenario))
    except OptionError as err:
        return option_text(err, lang)


def make_policy(options: ServeOptions, scenario: Scenario = STRICT) -> Policy:
    """The server's Policy from the command line; the engine's defaults for what is not given."""
    defaults = Policy()
    return Policy(hostname=options.hostname or defaults.hostname,
                  max_message_size=options.max_size or defaults.max_message_size,
                  accept_bare_lf=options.accept_bare_lf, scenario=scenario,
                  soft_error_limit=options.errors.soft_error_limit,
                  error_sleep=options.errors.error_sleep,
                  junk_command_limit=options.junk_command_limit,
                  auth_failure_limit=options.auth_failure_limit)


def _check_options(options: ServeOptions) -> str | None:
    """What is wrong with the options, in the chosen language; None when nothing is."""
    lang = _lang(options)
    if not 0 <= options.port <= 65535:
        return text("serve.bad-port", lang, port=options.port)
    if options.max_clients < 1:
        return text("serve.bad-max-clients", lang)
    for option, seconds in (("--timeout", options.timeout),
                            ("--data-block-timeout", options.data_block_timeout),
                            ("--data-timeout", options.data_timeout)):
        if not seconds > 0:
            return text("serve.bad-seconds", lang, option=option)
    if options.memory_limit < 1:
        return text("serve.bad-memory-limit", lang)
    if options.max_size is not None and options.max_size < 1:
        return text("serve.bad-max-size", lang)
    if options.hostname is not None and not valid_hostname(options.hostname):
        return text("serve.bad-hostname", lang)
    return None


def tcp_options(options: ServeOptions, security: Prepared,
                idle: float | None = None) -> TcpOptions:
    """Where and how the server listens, as the command line says (``idle``: a lesson's
    idle timeout instead of ``--timeout``)."""
    return TcpOptions(host=options.host, port=options.port, max_clients=options.max_clients,
                      timeouts=Timeouts(idle or options.timeout, options.data_block_timeout,
                                        options.data_timeout),
                      tls=security.context, tls_port=options.security.tls_port,
                      max_per_client=per_client_limit(options.host, options.max_per_client))
