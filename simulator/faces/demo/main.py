"""The ``smtp-sim demo`` command: pick the script, the server, the mode; then play."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

import trio
from prompt_toolkit.output.vt100 import Vt100_Output

from simulator.client.connection import parse_peer
from simulator.client.demoplayer import ConnectionFactory, DemoPlayer, connection_factory
from simulator.client.demos import (
    DEMO_SEED,
    LoadedDemo,
    builtin_demo,
    builtin_names,
    demo_policy,
    load_demo,
    missing_feature,
)
from simulator.client.demoscript import DemoScriptError
from simulator.faces.demo.app import run_fullscreen
from simulator.files import FileRefused, open_output
from simulator.lessons.classroom import say
from simulator.lessons.refusals import say as refusal
from simulator.lessons.scenarios import ScenarioError, chosen
from simulator.lessons.ui import option_text, text
from simulator.options.records import DemoOptions, OptionError
from simulator.protocol import Policy
from simulator.protocol.escape import show_text, show_typed
from simulator.protocol.rules import Scenario
from simulator.render.asciicast import AsciicastWriter
from simulator.render.fragments import to_plain
from simulator.render.terminal import reader_gone, terminal_width, wants_color
from simulator.render.transcript import for_width
from simulator.server.secure import prepare, read_options

from .controller import DemoController
from .playback import play_unattended

if TYPE_CHECKING:
    from prompt_toolkit.output import Output

DEFAULT_PACE = 3.0
IDLE_TIME_LIMIT = 3.0
"""A recording's longest pause when played back (a presenter who talked over a step for a
minute is not watched for a minute): asciicast's ``idle_time_limit``."""
DEFAULT_SPEED = 18.0


def _error(text: str) -> int:
    print(f"smtp-sim demo: {text}", file=sys.stderr)
    return 2


def list_demos(lang: str, out: TextIO) -> int:
    """``smtp-sim demo list``: each playable built-in demo with its title and summary."""
    lines = [say(lang, "demo", "list-heading")]
    for name in builtin_names(playable=True):
        demo = builtin_demo(name)
        assert demo is not None
        script = demo.script(lang)
        lines += [f"  {name:<14} {script.title(lang)}", f"  {'':<14} {demo.summary(lang)}"]
    # on a terminal, a long summary goes on under itself, broken between words
    out.write(to_plain(for_width([("", "\n".join(lines) + "\n")], terminal_width(out))))
    return 0


class _Refused(Exception):
    """A demo that cannot start: the message to print, then the usage status."""


def run_demo(options: DemoOptions) -> int:
    """Entry point of ``smtp-sim demo``; the exit status."""
    lang = options.lang or "en"
    if options.script == "list":
        return list_demos(lang, sys.stdout)
    try:
        demo, player = _prepare(options, lang)
    except _Refused as err:
        return _error(str(err))
    unattended = options.pace == 0 or not (sys.stdin.isatty() and sys.stdout.isatty())
    try:
        if unattended:
            return _unattended(options, demo, player, lang)
        return _interactive(options, demo, player, lang)
    except _Refused as err:
        return _error(str(err))
    except BrokenPipeError:
        return reader_gone()
    except OSError as err:
        peer = options.session.connect or say(lang, "demo", "built-in-server")
        return _error(say(lang, "demo", "connect-failed", peer=peer,
                          error=err.strerror or err))


def _prepare(options: DemoOptions, lang: str) -> tuple[LoadedDemo, DemoPlayer]:
    """The demo and its player, every option checked first; _Refused says what is wrong."""
    try:
        demo = load_demo(options.script)
    except DemoScriptError as err:
        raise _Refused(err.text(lang)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise _Refused(str(err)) from None
    if demo is None:
        raise _Refused(say(lang, "demo", "not-found", name=options.script))
    header = demo.script(lang).header
    feature = missing_feature(header)
    if feature is not None and options.session.connect is None:
        raise _Refused(say(lang, "demo", "needs", feature=feature))
    connect_to = None
    if options.session.connect:
        try:
            connect_to = parse_peer(options.session.connect)
        except ValueError:
            raise _Refused(text("run.bad-peer", lang,
                                given=show_text(options.session.connect, limit=80))) from None
    if options.speed <= 0 or (options.pace is not None and options.pace < 0):
        raise _Refused(say(lang, "demo", "bad-timing"))
    try:
        policy = demo_policy({} if feature else header, _base_policy(options),
                             _cli_scenario(options, lang))
        connect = _secured(options, header, policy, connect_to)
    except DemoScriptError as err:
        raise _Refused(err.text(lang)) from None
    except ScenarioError as err:
        raise _Refused(err.text(lang)) from None
    except OptionError as err:
        raise _Refused(option_text(err, lang)) from None
    return demo, DemoPlayer(demo.script(lang), connect)


def _screen_size() -> os.terminal_size:
    """The terminal's own size (COLUMNS/LINES may be stale); else theirs, else 100x30."""
    try:
        return os.get_terminal_size(sys.stdout.fileno())
    except (OSError, ValueError):
        return shutil.get_terminal_size((100, 30))


def _secured(options: DemoOptions, header: Mapping[str, Any], policy: Policy,
             connect_to: tuple[str, int] | None) -> ConnectionFactory:
    """The connections to play on, with STARTTLS and AUTH when the header or the command line
    asks (a certificate is made as the console makes one); OptionError when they do not fit."""
    security = read_options(options.session.security)
    security = dataclasses.replace(security, tls=security.tls or bool(header.get("tls")),
                                   auth=security.auth or bool(header.get("auth")))
    prepared = prepare(security, policy)
    files = prepared.files
    ca = None if files is None else str(files.ca or files.cert)
    return connection_factory(prepared.policy, connect_to, tls=prepared.context, ca=ca)


def _base_policy(options: DemoOptions) -> Policy:
    return Policy(accept_bare_lf=options.session.accept_bare_lf)


def _cli_scenario(options: DemoOptions, lang: str) -> Scenario | None:
    """``--scenario`` and its options, seeded for replay unless ``--seed`` says otherwise."""
    if not options.session.scenario.name:
        return None
    return chosen(options.session.scenario, lang=lang, seed=DEMO_SEED)


def _open_cast(options: DemoOptions, title: str,
               lang: str) -> tuple[TextIO, AsciicastWriter] | None:
    """The --record file and its writer; _Refused when it cannot be written (never said as
    a server that could not be reached, nor waited on when it is a FIFO nobody reads)."""
    if not options.record:
        return None
    size = _screen_size()
    try:
        handle = open_output(options.record)  # closed by the caller
    except FileRefused as err:
        raise _Refused(refusal(err, lang)) from None
    except OSError as err:
        raise _Refused(say(lang, "demo", "record-failed", path=show_typed(options.record),
                           error=err.strerror or err)) from None
    return handle, AsciicastWriter(handle, width=size.columns, height=size.lines, title=title,
                                   idle_time_limit=IDLE_TIME_LIMIT)


def _unattended(options: DemoOptions, demo: LoadedDemo, player: DemoPlayer,
                lang: str) -> int:
    color = wants_color(sys.stdout, no_color=options.no_color)
    cast = _open_cast(options, demo.script(lang).title(lang), lang)
    try:
        playback = trio.run(lambda: play_unattended(
            demo, player, sys.stdout, lang=lang, color=color,
            cast=None if cast is None else cast[1], speed=options.speed,
            pace=options.pace or 0.0, width=terminal_width(sys.stdout)))
    finally:
        if cast is not None:
            cast[0].close()
    if cast is not None:
        print(say(lang, "demo", "recorded", path=options.record, events=cast[1].events,
                  seconds=f"{cast[1].last:.1f}"), file=sys.stderr)
    return 1 if playback.unsent else 0


class _Tee:
    """The terminal's output, also written into the recording with the time it was shown."""

    def __init__(self, out: TextIO, cast: AsciicastWriter) -> None:
        self.out, self.cast, self.start = out, cast, time.monotonic()
        self.encoding = getattr(out, "encoding", "utf-8")

    def write(self, text: str) -> int:
        self.cast.output(time.monotonic() - self.start, text)
        return self.out.write(text)

    def marker(self, label: str) -> None:
        self.cast.marker(time.monotonic() - self.start, label)

    def flush(self) -> None:
        self.out.flush()
        self.cast.flush()

    def fileno(self) -> int:
        return self.out.fileno()

    def isatty(self) -> bool:
        return self.out.isatty()


def _output(tee: _Tee | None) -> Output | None:
    if tee is None:
        return None
    return Vt100_Output.from_pty(tee)  # type: ignore[arg-type]


def _interactive(options: DemoOptions, demo: LoadedDemo, player: DemoPlayer,
                 lang: str) -> int:
    cast = _open_cast(options, demo.script(lang).title(lang), lang)
    tee = None if cast is None else _Tee(sys.stdout, cast[1])
    controller = DemoController(demo, player, lang=lang, speed=options.speed,
                                pace=options.pace or DEFAULT_PACE, autoplay=options.autoplay,
                                on_step=(lambda label: None) if tee is None else tee.marker)
    color = wants_color(sys.stdout, no_color=options.no_color)
    try:
        trio.run(lambda: run_fullscreen(controller, output=_output(tee), color=color))
    finally:
        if cast is not None:
            cast[0].close()
    return 1 if player.unsent else 0
