"""``smtp-sim serve``: the engine on a real TCP port, for a classroom of real clients.

Students connect with telnet, ``nc -C``, swaks, smtplib or curl; nothing they send leaves the
machine (the server never relays). The terminal shows ``listening on smtp://HOST:PORT`` once
the port is bound, then one time-stamped line per exchange, client bytes escaped and
credentials masked, a line when a session ends and where each message was stored. Ctrl-C,
SIGTERM or SIGHUP (the instructor's terminal closed) tells every connected client 421 4.3.2,
prints the class summary and exits 0; a second signal during shutdown changes nothing, and a
message being written to the Maildir at that moment is finished first (the terminal says so).
For a whole lesson, ``--log FILE.jsonl`` keeps every exchange, and ``--dashboard`` shows the
class full screen instead of the line log (the dashboard is handed in by the command line:
this face imports no other); both are fed by :mod:`simulator.faces.serve.classlog`.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack
from functools import partial
from typing import TYPE_CHECKING, Final, Protocol, TextIO

import trio

from simulator.faces.serve.classlog import ClassFeed, Item
from simulator.faces.serve.linelog import LogOutput, print_log
from simulator.faces.serve.notices import Notices, routed, say, sentence
from simulator.faces.serve.options import Teaching, prepared, tcp_options
from simulator.files import FileRefused, open_output
from simulator.lessons.classmodel.shared import SharedClass
from simulator.lessons.classroom import say as classroom_say
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.options.records import ServeOptions
from simulator.protocol import Exchange, Policy
from simulator.protocol.rules import STRICT
from simulator.render.lessonlog import lesson_summary, summary_text
from simulator.server import Feed, Listening, Stopping, TcpOptions, Watchers, serve_tcp
from simulator.server.addresses import is_loopback, url_host
from simulator.server.feeds import offer
from simulator.server.process import gc_tuned, signals_ignored
from simulator.server.secure import Prepared
from simulator.server.store import MaildirStore, MemoryStore, Store
from simulator.server.tcp import ListenError

if TYPE_CHECKING:
    from simulator.faces.serve.lesson import LessonServer
    from simulator.lessons.course import Lesson as CourseLesson

Screen = Callable[[SharedClass, str, str], Awaitable[None]]
"""A full-screen view of the class (``--dashboard``): given the shared model, the server's
URL and the language; returns when the instructor quits, and the server then stops. The
command line hands it in, so this face never imports another."""

LOG_BUFFER: Final = 10_000
"""Exchanges waiting to be printed; past that the log skips lines rather than slow clients."""
GC_THRESHOLD: Final = 20_000
"""Allocations between young-generation collections (Python's default is 700): a session
makes hundreds of short-lived objects, nearly none in reference cycles."""
LOG_FLUSH_SECONDS: Final = 0.5
"""At exit, how long the log may take to print its last lines before it is given up."""
SIGNALS: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Each stops the server the same way (SIGHUP: the terminal that ran it was closed)."""
MIB: Final = 1024 * 1024


class Site(Protocol):
    """The running web server of ``--web`` (handed in by the command line, as the dashboard
    is): each session's page, its start lines, its stop."""

    def watch(self, session_id: str, peer: str) -> str: ...
    def counted_as(self, peer: str) -> str | None: ...
    def announce(self, smtp_host: str, smtp_port: int) -> list[str]: ...
    def stop(self) -> None: ...


Web = Callable[..., Awaitable[None]]
"""``--web``: started as ``nursery.start(web, shared)``, it serves the pages until stopped
or cancelled and hands back its :class:`Site` once its port is bound (a
:class:`ListenError` when it cannot be)."""


def _lang(options: ServeOptions) -> str:
    return options.lang or LANGS[0]


def run_serve(options: ServeOptions, screen: Screen | None = None,
              teaching: Teaching | None = None, web: Web | None = None) -> int:
    """Entry point of ``smtp-sim serve``; returns the process exit status. ``teaching``:
    the lesson data's part, which the command line hands in when the options name a lesson,
    a course or a scenario; ``web``: the pages of ``--web``."""
    lang = _lang(options)
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    taught = None if teaching is None else teaching.lesson_server(options, lang)
    if isinstance(taught, str):
        print(taught, file=sys.stderr)
        return 2
    scenario = STRICT if teaching is None else teaching.scenario(options.scenario, lang)
    if isinstance(scenario, str):
        print(text("serve.error", lang, error=scenario), file=sys.stderr)
        return 2
    security = prepared(options, lang, scenario,
                        dashboard_without_terminal=screen is not None and not terminal,
                        lesson=None if taught is None else taught.security)
    if isinstance(security, str):
        print(text("serve.error", lang, error=security), file=sys.stderr)
        return 2
    store = _open_store(options)
    if store is None:
        return 2
    with ExitStack() as files:
        try:
            jsonl = None if not options.log else files.enter_context(
                open_output(options.log, append=True))
        except (FileRefused, OSError) as err:  # FileRefused: a FIFO no program reads
            print(text(f"files.{err.reason}", lang, **err.fields) if isinstance(
                err, FileRefused) else _words(lang, "serve", "log-failed", path=options.log,
                                              error=err.strerror or err), file=sys.stderr)
            return 2
        shared = SharedClass(transcripts=screen is not None or web is not None, lang=lang)
        class_feed = _class_feed(shared, options, jsonl, taught)
        # a signal once the server has stopped (while the summary prints) changes nothing
        with signals_ignored(SIGNALS):
            status = _run(options, security, store, class_feed, screen, teaching, web)
            _finish(class_feed, shared, summary=status == 0)
        return status


def _class_feed(shared: SharedClass, options: ServeOptions, jsonl: TextIO | None,
                taught: LessonServer | None) -> ClassFeed:
    """What this run keeps of the class: the model (with the lesson's steps under
    ``--lesson``), the ``--log`` file, each student's progress."""
    shared.model.stuck_minutes = options.stuck_minutes
    if taught is not None:
        shared.model.lesson_steps = taught.steps()
    return ClassFeed(shared, lang=shared.lang, jsonl=jsonl,
                     timestamps=not options.no_timestamps,
                     students=None if taught is None else taught.students())


def _finish(class_feed: ClassFeed, shared: SharedClass, *, summary: bool) -> None:
    """After serving: the log closed (a full disk fails here too: said once, never a
    traceback), then the class summary when the server ran (it could not listen otherwise)."""
    class_feed.close_log()
    if news := class_feed.log_news():
        say(news)
    if summary:
        sys.stdout.write(summary_text(shared.model, shared.lang))
        if class_feed.students is not None:
            with shared.lock:
                finished, unfinished = class_feed.students.finished()
            sys.stdout.write(lesson_summary(class_feed.students.lesson.id, finished, unfinished,
                                            shared.lang))
        if stopped := class_feed.log_stopped():
            print(stopped)


def _open_store(options: ServeOptions) -> Store | None:
    """Where accepted messages go (a Maildir, or memory up to the limit); None, after saying
    why, when the Maildir cannot be used."""
    try:
        return (MaildirStore(options.maildir) if options.maildir
                else MemoryStore(limit=options.memory_limit * MIB))
    except OSError as err:
        print(text("serve.bad-maildir", _lang(options), path=options.maildir, error=err),
              file=sys.stderr)
        return None


def _words(lang: str, section: str, entry: str, **fields: object) -> str:
    return classroom_say(lang, section, entry, **fields)


def _run(options: ServeOptions, security: Prepared, store: Store, class_feed: ClassFeed,
         screen: Screen | None, teaching: Teaching | None, web: Web | None = None) -> int:
    if not is_loopback(options.host):
        print(text("serve.open-host", _lang(options), host=options.host), file=sys.stderr)
    output = LogOutput(sys.stdout)
    # the modules and objects of startup live forever: never scan them again
    with gc_tuned(GC_THRESHOLD):
        status: int = trio.run(_serve, options, security, store, output, class_feed, screen,
                               teaching, web)
    if output.busy:
        # The terminal stopped reading (Ctrl-S, a paused pager) and a log write is stuck in
        # its thread, holding stdout: a normal exit would wait on it forever.
        sys.stderr.flush()
        os._exit(status)
    return status


async def _serve(options: ServeOptions, security: Prepared, store: Store,
                 output: LogOutput, class_feed: ClassFeed | None = None,
                 screen: Screen | None = None, teaching: Teaching | None = None,
                 web: Web | None = None) -> int:
    send, receive = trio.open_memory_channel[Item](LOG_BUFFER)
    feed, stopping = Feed(send), Stopping()
    students = None if class_feed is None else class_feed.students
    taught = None if students is None else students.lesson
    # Signals pending when trio's receiver closes go to "ignore" (a second Ctrl-C cannot make
    # exit 0 a 130; see signals_ignored); warnings go through one sink (faces/serve/notices.py).
    with signals_ignored(SIGNALS), routed(_lang(options)) as notices, \
            trio.open_signal_receiver(*SIGNALS) as signals:
        async with trio.open_nursery() as outer:
            outer.start_soon(print_log, receive, None if screen else output, feed,
                             _lang(options), class_feed)
            site = None if web is None or class_feed is None else await _web(
                outer, web, class_feed, options)
            if web is not None and site is None:  # its port could not be bound: nothing served
                outer.cancel_scope.cancel()
                return 2
            tcp = _watched(tcp_options(options, security, None if taught is None
                                       else taught.setup.idle_timeout), site)
            watchers = Watchers(feed, _farewell(send, security.policy, taught, teaching))
            async with send, trio.open_nursery() as inner:
                bound = await _listening(inner, options, security, store, tcp, watchers,
                                         stopping)
                if bound is None:
                    return 1
                url = _announce(options, security, bound, teaching)
                _announce_more(options, taught, teaching, site, bound.port)
                inner.start_soon(_stop_on_signal, signals, inner.cancel_scope, stopping,
                                 _lang(options))
                if screen is not None and class_feed is not None:
                    inner.start_soon(_show, screen, class_feed, url, inner.cancel_scope, notices)
            # The sessions are over: the log gets a moment to finish, not forever.
            outer.cancel_scope.deadline = trio.current_time() + LOG_FLUSH_SECONDS
            if site is not None:
                site.stop()
    return 0


async def _listening(nursery: trio.Nursery, options: ServeOptions, security: Prepared,
                     store: Store, tcp: TcpOptions, watchers: Watchers,
                     stopping: Stopping) -> Listening | None:
    """The classroom server started in ``nursery``: the ports bound; None, after saying
    which port could not be bound (the main one or ``--tls-port``)."""
    serve = partial(serve_tcp, policy=security.policy, store=store, options=tcp,
                    watchers=watchers, stopping=stopping)
    try:
        bound: Listening = await nursery.start(serve)
    except ListenError as err:
        _cannot_listen(options, err)
        return None
    return bound


def _watched(options: TcpOptions, site: Site | None) -> TcpOptions:
    """With ``--web``: each greeting names its page, and a browser console counts as its
    browser's address (``--max-per-client``)."""
    if site is None:
        return options
    return dataclasses.replace(options, watch=site.watch, counted_as=site.counted_as)


def _announce_more(options: ServeOptions, taught: CourseLesson | None,
                   teaching: Teaching | None, site: Site | None, port: int) -> None:
    """After the listening lines: the lesson served (``--lesson``), the web pages (``--web``)."""
    if taught is not None and teaching is not None:
        print(teaching.start_line(taught, _lang(options)), flush=True)
    for line in [] if site is None else site.announce(options.host, port):
        print(line, flush=True)


def _cannot_listen(options: ServeOptions, err: ListenError) -> None:
    print(text("serve.cannot-listen", _lang(options), host=err.host, port=err.port,
               error=err.strerror or err), file=sys.stderr)


async def _web(nursery: trio.Nursery, web: Web, class_feed: ClassFeed,
               options: ServeOptions) -> Site | None:
    """The web server started (before any SMTP client, whose greeting names its page);
    None, after saying why, when its port cannot be bound."""
    try:
        site: Site = await nursery.start(web, class_feed.shared)
    except ListenError as err:
        _cannot_listen(options, err)
        return None
    return site


def _announce(options: ServeOptions, security: Prepared, bound: Listening,
              teaching: Teaching | None = None) -> str:
    """The start lines: where the server listens, its TLS and AUTH, its scenario; the URL."""
    host, port = url_host(options.host), bound.port
    print(text("serve.listening", _lang(options), host=host, port=port), flush=True)
    implicit = [] if bound.tls_port is None else [bound.tls_port]
    for line in security_lines(security, host, implicit, _lang(options)):
        print(line, flush=True)
    if security.policy.scenario.rules and teaching is not None:  # strict has no rules
        print("\n".join(teaching.scenario_lines(security.policy.scenario)), flush=True)
    return f"smtp://{host}:{port}"


def _farewell(send: trio.MemorySendChannel[Item], policy: Policy,
              taught: CourseLesson | None, teaching: Teaching | None,
              ) -> Callable[[str, Exchange], Awaitable[Exchange]] | None:
    """With a lesson: the 221 to QUIT names the steps the student has done."""
    if taught is None or teaching is None:
        return None
    return partial(teaching.farewell, partial(offer, send), policy.hostname, taught.id,
                   len(taught.goals))


async def _show(screen: Screen, class_feed: ClassFeed, url: str, scope: trio.CancelScope,
                notices: Notices) -> None:
    """The dashboard, which shows the server's warnings in its status line meanwhile; when
    the instructor quits it, the server stops (421 to everyone) and the newest warning, if
    there was one, is said again on the terminal."""
    shared = class_feed.shared
    try:
        with notices.to(shared.warn):
            await screen(shared, url, class_feed.lang)
    finally:
        with shared.lock:
            newest, count = shared.model.warning, shared.model.warnings
        if newest is not None:
            say(_words(shared.lang, "dashboard", "warning", count=count,
                       text=sentence(newest, shared.lang)))
    scope.cancel()


def security_lines(security: Prepared, host: str, implicit: list[int],
                   lang: str = "en") -> list[str]:
    """What serve says at start about TLS and AUTH: the certificate, its fingerprint, the
    implicit-TLS port, the accounts (this is the instructor's screen, not a log)."""
    lines: list[str] = []
    files = security.files
    if files is not None:
        key = "serve.tls-generated" if security.generated else "serve.tls-offered"
        lines.append(text(key, lang, cert=files.cert, ca=files.ca))
        lines.append(text("serve.fingerprint", lang, fingerprint=security.fingerprint))
        if files.remade:
            lines.append(text("files.tls-remade", lang, file=files.remade,
                              folder=files.cert.parent))
    lines.extend(text("serve.implicit-tls", lang, host=host, port=port) for port in implicit)
    for account in security.accounts:
        key = "serve.account-app" if account.app_password else "serve.account"
        lines.append(text(key, lang, name=account.name, password=account.password,
                          code=account.app_password))
    return lines


async def _stop_on_signal(signals: AsyncIterator[int], scope: trio.CancelScope,
                          stopping: Stopping, lang: str = LANGS[0]) -> None:
    """At the first signal, stop serving (the later ones are ignored)."""
    async for signum in signals:
        say(text("serve.stopping", lang, signal=signal.Signals(signum).name))
        if stopping.storing:
            count = stopping.storing
            say(text("serve.storing-1" if count == 1 else "serve.storing", lang, count=count))
        scope.cancel()
        return
