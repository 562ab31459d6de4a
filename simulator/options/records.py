"""What the command line asked for: one frozen record per subcommand, and OptionError.

``simulator/cli/command.py`` reads argparse and :mod:`simulator.cli.args` builds these records;
every face and every layer below receives a record, never an ``argparse.Namespace``, and
never looks an option up by name. The records say what was *given* (None: not given); the
faces and :mod:`simulator.server.secure` decide what it means.

An option that cannot be used raises :class:`OptionError` with a key of ``[options]`` in
``lessons/ui.LANG.toml`` and the fields its sentence needs, as a refused command raises
ProtocolError with its reply: the layer that finds the fault names it, the face says it in
the user's language. Importing this module costs nothing (no simulator module, no data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class OptionError(ValueError):
    """An option, or a combination of them, that cannot be used.

    ``key``: the sentence under ``[options]`` in ``ui.LANG.toml``; ``fields``: its
    placeholders. A face says it with ``text(f"options.{err.key}", lang, **err.fields)``."""

    def __init__(self, key: str, /, **fields: object) -> None:
        super().__init__(key, fields)
        self.key = key
        self.fields = fields

    def __str__(self) -> str:  # for logs and tests; users read the rendered sentence
        return f"{self.key} {self.fields}"


@dataclass(frozen=True, slots=True)
class SecurityOptions:
    """TLS and AUTH (``--tls --tls-port --cert --key --auth --user --require-tls
    --require-auth --sender-login-match``), as given or as checked by ``server.secure``."""

    tls: bool = False
    tls_port: int | None = None
    cert: Path | None = None
    key: Path | None = None
    auth: bool = False
    users: tuple[str, ...] = ()
    require_tls: bool = False
    require_auth: bool = False
    sender_login_match: bool = False
    """MAIL FROM only with an address the logged-in account owns (senders.py)."""


@dataclass(frozen=True, slots=True)
class ScenarioOptions:
    """``--scenario`` and the settings that override the scenario's own."""

    name: str | None = None
    greylist_delay: float | None = None
    rate_limit: int | None = None
    fault_rate: float | None = None
    seed: int | None = None

    @property
    def given(self) -> bool:
        """Whether any of them was given (none: the engine's strict default as it is)."""
        return any(value is not None for value in (
            self.name, self.greylist_delay, self.rate_limit, self.fault_rate, self.seed))


@dataclass(frozen=True, slots=True)
class ErrorLimits:
    """Postfix's error limits (``--soft-error-limit``, ``--error-sleep``)."""

    soft_error_limit: int = 10
    error_sleep: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """The server a client face talks to: ``--connect``, or the built-in one so set up."""

    connect: str | None = None
    accept_bare_lf: bool = False
    verify: bool = False
    security: SecurityOptions = field(default_factory=SecurityOptions)
    scenario: ScenarioOptions = field(default_factory=ScenarioOptions)
    errors: ErrorLimits = field(default_factory=ErrorLimits)


@dataclass(frozen=True, slots=True)
class ConsoleOptions:
    """``smtp-sim`` / ``smtp-sim repl``."""

    lang: str | None = None
    no_color: bool = False
    session: SessionOptions = field(default_factory=SessionOptions)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """``smtp-sim run FILE`` (and ``echo ... | smtp-sim``, whose ``program`` it names)."""

    lang: str | None = None
    no_color: bool = False
    session: SessionOptions = field(default_factory=SessionOptions)
    file: str = "-"
    format: str = "text"
    fail_on: tuple[str, ...] = ()
    program: str = "smtp-sim run"


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """``smtp-sim demo SCRIPT``."""

    script: str
    lang: str | None = None
    no_color: bool = False
    session: SessionOptions = field(default_factory=SessionOptions)
    speed: float = 18.0
    pace: float | None = None
    autoplay: bool = False
    record: str | None = None


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """``smtp-sim serve``: where it listens, its bounds, its server, and the lesson."""

    lang: str | None = None
    host: str = "127.0.0.1"
    port: int = 2525
    hostname: str | None = None
    maildir: str | None = None
    max_clients: int = 200
    timeout: float = 300.0
    data_block_timeout: float = 180.0
    data_timeout: float = 600.0
    memory_limit: int = 256
    max_size: int | None = None
    accept_bare_lf: bool = False
    max_per_client: int | None = None
    junk_command_limit: int = 100
    auth_failure_limit: int = 10
    errors: ErrorLimits = field(default_factory=lambda: ErrorLimits(error_sleep=1.0))
    security: SecurityOptions = field(default_factory=SecurityOptions)
    scenario: ScenarioOptions = field(default_factory=ScenarioOptions)
    dashboard: bool = False
    web: int | None = None
    log: str | None = None
    no_timestamps: bool = False
    stuck_minutes: int | None = None
    lesson: str | None = None
    course: str | None = None


@dataclass(frozen=True, slots=True)
class ExplainOptions:
    """``smtp-sim explain CODE...``."""

    codes: tuple[str, ...]
    lang: str | None = None
    no_color: bool = False
    format: str = "text"


@dataclass(frozen=True, slots=True)
class LessonsOptions:
    """``smtp-sim lessons check|new``."""

    action: str = "check"
    name: str | None = None
    lang: str | None = None
    scenarios: tuple[str, ...] = ()
    course: str | None = None
    rubric: str | None = None


@dataclass(frozen=True, slots=True)
class LearnOptions:
    """``smtp-sim learn [ID|list|reset|export] [LESSON]``."""

    target: str | None = None
    lesson: str | None = None
    lang: str | None = None
    no_color: bool = False
    course: str | None = None


@dataclass(frozen=True, slots=True)
class GradeOptions:
    """``smtp-sim grade -- COMMAND``."""

    program: tuple[str, ...] = ()
    lang: str | None = None
    rubric: str | None = None
    format: str = "text"
    timeout: float = 60.0
    wait: bool = False
    port: int | None = None
    gradescope: str | None = None


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """``smtp-sim report FILE.jsonl``."""

    file: str
    lang: str | None = None
    format: str = "text"
