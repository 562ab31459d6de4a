"""``smtp-sim run FILE``: play a script of command lines and print the explained transcript.

No terminal, no prompt_toolkit: for handouts, scripts and tests. The console's piped mode
(``echo EHLO x | smtp-sim``) is this face too. The script format (narration, meta-commands)
is :mod:`simulator.client.script`'s; the file is read and the transcript printed line by
line, so a file of any size runs in bounded memory.

Exit status: 0 when every line was sent and the session ended cleanly; 1 when the file
ended inside DATA, lines were left unsent after the server closed, or the server could not
be reached; 2 for usage errors (a file that cannot be read, a bad ``--connect``). Error
replies from the server are the content of a lesson, not failures, unless ``--fail-on 4xx``
or ``--fail-on 5xx`` asks for status 1 when a reply of that class came (for a script or CI).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Final, TextIO

import trio

from simulator.client.connection import Connection, Step, parse_peer
from simulator.client.errors import connect_error
from simulator.client.labhosts import Refusal, Target, lab_policy, named_host
from simulator.client.local import LocalConnection
from simulator.client.remote import TcpConnection
from simulator.client.script import Event, Outcome, Player, read_lines
from simulator.lessons.load import LANGS
from simulator.lessons.scenarios import ScenarioError, chosen
from simulator.lessons.ui import option_text, text
from simulator.options.records import OptionError, RunOptions, SessionOptions
from simulator.protocol import Policy
from simulator.protocol.escape import show_text
from simulator.protocol.rules import Scenario
from simulator.render.masking import StepMasker
from simulator.render.terminal import reader_gone, terminal_width, wants_color
from simulator.render.transcript import MarkdownWriter, event_json, event_text, wire_lines
from simulator.server.secure import prepare, read_options, with_certificate
from simulator.server.store import MemoryStore

USAGE_ERROR: Final = 2
INCOMPLETE: Final = 1
FAILED_ON: Final = 1
"""A reply of a class named by ``--fail-on`` came."""


@contextlib.contextmanager
def _opened(name: str) -> Iterator[IO[bytes]]:
    if name == "-":
        yield sys.stdin.buffer
        return
    with open(name, "rb") as handle:
        yield handle


def _peer(session: SessionOptions) -> tuple[str, int] | None:
    """The ``--connect`` peer, if any; ValueError when it is malformed."""
    return None if not session.connect else parse_peer(session.connect)


def _connector(session: SessionOptions, peer: tuple[str, int] | None,
               scenario: Scenario, lab: Target | None = None) -> Callable[[], Connection]:
    """The connection maker; OptionError when the TLS/AUTH options do not fit. ``lab``: the
    host of the scenario's zone that ``--connect`` named, played by the built-in server."""
    if peer is not None:
        verify = session.verify
        return lambda: TcpConnection(*peer, verify=verify)
    policy = Policy(accept_bare_lf=session.accept_bare_lf, scenario=scenario,
                    soft_error_limit=session.errors.soft_error_limit,
                    error_sleep=session.errors.error_sleep)
    if lab is None:
        security = prepare(read_options(session.security), policy)
    else:  # its own name in the greeting and on its certificate
        security = with_certificate(lab_policy(policy, lab))
    files = security.files
    ca = None if files is None else str(files.ca or files.cert)
    store = MemoryStore()  # kept across :reconnect, as in the console
    return lambda: LocalConnection(policy=security.policy, store=store, tls=security.context,
                                   ca=ca)


class Printer:
    """Writes each event as it happens, in the chosen format, in the player's language."""

    def __init__(self, fmt: str, out: TextIO, *, color: bool, lang: str) -> None:
        self.fmt, self.out, self.color = fmt, out, color
        self.width = terminal_width(out)  # text on a terminal wraps as the console's does
        self.player: Player | None = None
        self._markdown = MarkdownWriter(lang)
        self._records = 0
        self._masker = StepMasker()  # a transcript is passed on: no credential in it
        self.replies: dict[str, tuple[int, str]] = {}
        """Per reply class (``4xx``): how many came, and the first one's line (for --fail-on)."""

    @property
    def lang(self) -> str:
        return self.player.lang if self.player is not None else self._markdown.lang

    def start(self) -> None:
        if self.fmt == "json":
            self._write(f'{{\n  "lang": {json.dumps(self.lang)},\n  "steps": [')
        elif self.fmt == "markdown":
            self._write("\n".join(self._markdown.header()) + "\n")

    def __call__(self, event: Event) -> None:
        if isinstance(event, Step):
            event = self._masker.step(event)
            self._count(event)
        if self.fmt == "json":
            record = json.dumps(event_json(event, self.lang), ensure_ascii=False, indent=2)
            comma = "," if self._records else ""
            self._records += 1
            self._write(comma + "\n" + "\n".join("    " + line for line in record.splitlines()))
        elif self.fmt == "markdown":
            self._markdown.lang = self.lang
            self._write("".join(line + "\n" for line in self._markdown.event(event)))
        else:
            self._write(event_text(event, self.lang, color=self.color, width=self.width))

    def _count(self, step: Step) -> None:
        for answer in step.answers:
            if not 1 <= answer.code // 100 <= 5:
                continue
            kind = f"{answer.code // 100}xx"
            count, first = self.replies.get(kind, (0, ""))
            self.replies[kind] = (count + 1, first or wire_lines(answer.wire)[-1])

    def finish(self, outcome: Outcome) -> None:
        if self.fmt == "json":
            self._write(f'\n  ],\n  "unsent_lines": {outcome.unsent}\n}}\n')
        elif self.fmt == "markdown":
            self._write("".join(line + "\n" for line in self._markdown.end()))
        elif outcome.unsent:
            self._write(text("run.unsent", self.lang, count=outcome.unsent) + "\n")

    def _write(self, chunk: str) -> None:
        self.out.write(chunk)
        self.out.flush()


class _UsageError(Exception):
    """What to say on stderr before exiting with the usage status."""


def run_file(options: RunOptions) -> int:
    """``smtp-sim run FILE``: print the explained transcript; see the module for the status."""
    lang = options.lang or LANGS[0]
    # what the user typed: ``echo NOOP | smtp-sim --connect ...`` is run, but not called so
    program = options.program
    try:
        player, printer, peer = _prepare(options, lang, program)
    except _UsageError as err:
        print(err, file=sys.stderr)
        return USAGE_ERROR
    try:
        with _opened(options.file) as stream:
            printer.start()
            outcome = trio.run(player.play, read_lines(stream))
        printer.finish(outcome)
    except BrokenPipeError:
        return reader_gone()
    except OSError as err:
        return _failed(err, options.file, peer, lang, program)
    status = _status(outcome, player.lang, program)
    return _failed_on(options.fail_on, printer, player.lang) or status


def _prepare(options: RunOptions, lang: str, program: str,
             ) -> tuple[Player, Printer, tuple[str, int] | None]:
    """Everything checked before any input is read: a bad option stops the run at once."""
    session = options.session
    try:
        scenario = chosen(session.scenario, lang=lang)
    except ScenarioError as err:
        raise _UsageError(f"{program}: {err.text(lang)}") from None
    except OptionError as err:
        raise _UsageError(f"{program}: {option_text(err, lang)}") from None
    try:
        peer = _peer(session)
    except ValueError:
        raise _UsageError(text("run.bad-peer", lang,
                               given=show_text(session.connect or "", limit=80))) from None
    lab = None if peer is None else named_host(scenario.zone, *peer)
    if isinstance(lab, Refusal):  # a lab name, but no zone or no such port: say what to do
        raise _UsageError(text(f"console.{lab.key}", lang, **lab.fields))
    if lab is not None:  # a host of the scenario's zone: played in-process, not the network
        peer = None
    try:
        connector = _connector(session, peer, scenario, lab)
    except OptionError as err:
        raise _UsageError(f"{program}: {option_text(err, lang)}") from None
    printer = Printer(options.format, sys.stdout, lang=lang,
                      color=wants_color(sys.stdout, no_color=options.no_color))
    player = Player(connector, printer, lang=lang)
    printer.player = player
    return player, printer, peer


def _failed(err: OSError, name: str, peer: tuple[str, int] | None, lang: str,
            program: str) -> int:
    """The server could not be reached (status 1), or the file could not be read (2)."""
    if peer is not None and not err.filename:
        print(f"{program}: " + connect_error(err, f"{peer[0]}:{peer[1]}", lang),
              file=sys.stderr)
        return INCOMPLETE
    print(text("run.cannot-read", lang, program=program, file=name,
               error=err.strerror or err), file=sys.stderr)
    return USAGE_ERROR



def _status(outcome: Outcome, lang: str, program: str) -> int:
    if outcome.unsent:
        print(text("run.unsent-status", lang, program=program, count=outcome.unsent),
              file=sys.stderr)
        return INCOMPLETE
    if outcome.held:
        print(text("run.pipeline-open-status", lang, program=program, count=outcome.held),
              file=sys.stderr)
        return INCOMPLETE
    if outcome.in_data:
        print(text("run.in-data", lang, program=program), file=sys.stderr)
        return INCOMPLETE
    return 0


def _failed_on(classes: Sequence[str], printer: Printer, lang: str) -> int:
    """``--fail-on 5xx``: status 1, and why on stderr, when a reply of that class came."""
    status = 0
    for kind in dict.fromkeys(classes):
        count, first = printer.replies.get(kind, (0, ""))
        if count:
            key = "run.failed-on-1" if count == 1 else "run.failed-on"
            print(text(key, lang, count=count, cls=kind, reply=first),
                  file=sys.stderr)
            status = FAILED_ON
    return status
