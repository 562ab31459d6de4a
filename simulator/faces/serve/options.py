"""``smtp-sim serve``'s options: what is wrong with them together, and the server they
describe. Each value's shape (a port, a count, seconds, a host name) was checked where
argparse read it (``simulator/cli/values.py``); what only options together can say (a
certificate without its key, a lesson and an option it sets itself) is checked here, in
``server.secure`` and in ``lesson.py``.

Kept apart from :mod:`simulator.faces.serve.main` (the running server): reading the command line
is one job, serving another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from simulator.faces.serve.classlog import FarewellAsk
from simulator.lessons.classroom import say as classroom_say
from simulator.lessons.load import LANGS
from simulator.lessons.ui import option_text
from simulator.options.records import OptionError, ScenarioOptions, ServeOptions
from simulator.protocol import Exchange, Policy
from simulator.protocol.rules import STRICT, Scenario
from simulator.server import TcpOptions, Timeouts
from simulator.server.options import per_client_limit
from simulator.server.secure import Prepared, prepare, read_options

if TYPE_CHECKING:
    from simulator.faces.serve.lesson import LessonServer
    from simulator.lessons.course import Lesson as CourseLesson


def _lang(options: ServeOptions) -> str:
    return options.lang or LANGS[0]


def prepared(options: ServeOptions, lang: str, scenario: Scenario = STRICT, *,
             dashboard_without_terminal: bool = False,
             lesson: Prepared | None = None) -> Prepared | str:
    """The server the options describe (policy, ``scenario``, TLS, AUTH), or what is wrong
    with them, in ``lang``; ``lesson``: the server a lesson set up (``--lesson``) instead."""
    if dashboard_without_terminal:
        return classroom_say(lang, "dashboard", "not-a-terminal")
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


def tcp_options(options: ServeOptions, security: Prepared,
                idle: float | None = None) -> TcpOptions:
    """Where and how the server listens, as the command line says (``idle``: a lesson's
    idle timeout instead of ``--timeout``)."""
    return TcpOptions(host=options.host, port=options.port, max_clients=options.max_clients,
                      timeouts=Timeouts(idle or options.timeout, options.data_block_timeout,
                                        options.data_timeout),
                      tls=security.context, tls_port=options.security.tls_port,
                      max_per_client=per_client_limit(options.host, options.max_per_client))


class Teaching(Protocol):
    """What serve needs of the lesson data for ``--lesson``, ``--course`` and ``--scenario``
    (:mod:`simulator.faces.serve.lesson` has it). The command line hands it in only when the
    options ask for one of them, as it hands in the dashboard: plain ``smtp-sim serve``
    imports none of the lesson modules and reads no lesson file, only the UI's sentences."""

    def lesson_server(self, options: ServeOptions, lang: str) -> LessonServer | str | None:
        """The lesson's server, what is wrong in ``lang``, or None without ``--lesson``."""

    def scenario(self, options: ScenarioOptions, lang: str) -> Scenario | str:
        """The scenario the options name, or what is wrong with them in ``lang``."""

    def scenario_lines(self, scenario: Scenario) -> list[str]:
        """What serve says at start about a scenario with rules."""

    def start_line(self, lesson: CourseLesson, lang: str) -> str:
        """What serve says at start about the lesson."""

    async def farewell(self, offer: Callable[[FarewellAsk], bool], host: str, lesson: str,
                       total: int, session_id: str, exchange: Exchange) -> Exchange:
        """The 221 to QUIT, naming the steps the session's student has done."""
