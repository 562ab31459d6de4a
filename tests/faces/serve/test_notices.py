"""serve's warnings take one road (faces/serve/notices.py): a line on stderr in the instructor's
language, or, while ``serve --dashboard`` runs, the dashboard's status line and nothing on
the terminal under it (the screen rendered with pyte, the real stderr captured)."""

from __future__ import annotations

import dataclasses
import errno
import io
import logging
import smtplib
import warnings

import pyte
import pytest
import trio
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from simulator.faces.dashboard.app import DashboardApp
from simulator.faces.dashboard.run import show_dashboard
from simulator.faces.serve.classlog import ClassFeed
from simulator.faces.serve.linelog import LogOutput
from simulator.faces.serve.main import _serve
from simulator.faces.serve.notices import Notices, routed, say, warn
from simulator.lessons import classroom
from simulator.lessons.classmodel.shared import SharedClass
from simulator.lessons.ui import text
from simulator.server.notices import notice
from simulator.server.store import MemoryStore, ReceivedMessage
from tests.faces.dashboard.test_dashboard import plain_server, serve_args, wait_for
from tests.smtp_client import GUARD

COLUMNS, ROWS = 80, 24


class BrokenDisk(MemoryStore):
    """A store whose every write fails, as a disk that went bad would."""

    def deliver(self, message: ReceivedMessage) -> str:
        raise OSError(errno.EIO, "Input/output error")


def send_one(port: int) -> int:
    """smtplib sends one message; the reply code to its DATA's end."""
    with smtplib.SMTP("127.0.0.1", port, local_hostname="student.example",
                      timeout=GUARD) as client:
        try:
            client.sendmail("ann@example.org", ["bob@example.net"], b"Subject: hi\r\n\r\nhi\r\n")
        except smtplib.SMTPDataError as err:
            return err.smtp_code
    return 250


def screen_text(written: io.StringIO) -> list[str]:
    screen = pyte.Screen(COLUMNS, ROWS)
    pyte.Stream(screen).feed(written.getvalue())
    return [line.rstrip() for line in screen.display]


@pytest.mark.parametrize(("lang", "words", "last"), [
    ("en", "server warning (2 so far): session S2 (127.0.0.1:", "server warning (3 so far): "),
    ("zh", "服务器警告（目前共 2 条）：会话 S2（127.0.0.1:", "服务器警告（目前共 3 条）："),
])
async def test_warnings_while_the_dashboard_runs_go_to_its_status_line_not_the_terminal(
        capfd: pytest.CaptureFixture[str], lang: str, words: str, last: str) -> None:
    shared = SharedClass(lang=lang)
    class_feed = ClassFeed(shared, lang=lang, timestamps=False)
    found: list[DashboardApp] = []
    urls: list[str] = []
    written = io.StringIO()
    output = Vt100_Output(written, lambda: Size(rows=ROWS, columns=COLUMNS), term="xterm")
    args = dataclasses.replace(serve_args(), lang=lang)
    with create_pipe_input() as pipe:

        async def screen(shared: SharedClass, url: str, lang: str) -> None:
            urls.append(url)
            await show_dashboard(shared, url, lang, input=pipe, output=output,
                                 started=found.append)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(_serve, args, plain_server(), BrokenDisk(),
                               LogOutput(io.StringIO()), class_feed, screen)
            await wait_for(lambda: bool(found))
            port = int(urls[0].rsplit(":", 1)[1])
            for _ in range(2):
                assert await trio.to_thread.run_sync(send_one, port) == 451
            await wait_for(lambda: any(line.startswith(words) for line in screen_text(written)))
            warnings.warn("a library complains", stacklevel=1)  # Python's warnings too
            await wait_for(lambda: any(line.endswith("UserWarning: a library complains")
                                       for line in screen_text(written)))
            during = capfd.readouterr().err
            pipe.send_text("qy")
    assert during == ""  # nothing went to the terminal under the full screen
    after = capfd.readouterr().err  # once the screen is gone, the newest warning is said again
    assert after.splitlines() == [last + "UserWarning: a library complains"]


async def test_the_store_warning_itself_is_shown_in_the_instructors_language() -> None:
    shared = SharedClass(lang="zh")
    with routed("zh") as notices, notices.to(shared.warn):
        logging.getLogger("simulator.server.conversation").error(
            "english for a plain logging setup",
            extra=notice("serve.warn-store", id="S1", peer="127.0.0.1:5", queue="S1-1",
                         error="Input/output error"))
    from simulator.render.dashboard import status_fragments
    from simulator.render.fragments import to_plain

    def warning(lang: str) -> str:
        said = text("serve.warn-store", lang, id="S1", peer="127.0.0.1:5", queue="S1-1",
                    error="Input/output error")
        return classroom.say(lang, "dashboard", "warning", count=1, text=said)

    line = to_plain(status_fragments(shared.model, "zh", 200)).splitlines()[0].rstrip()
    assert line == warning("zh")
    english = to_plain(status_fragments(shared.model, "en", 200)).splitlines()[0]
    assert english.rstrip() == warning("en")


def test_without_a_screen_each_warning_is_one_line_on_stderr_in_the_language(
        capsys: pytest.CaptureFixture[str]) -> None:
    with routed("zh"):
        logging.getLogger("simulator.server.tcp").error(
            "cannot accept clients", extra=notice("serve.warn-no-descriptors",
                                                  error="Too many open files"))
        warn("serve.warn-accepting", count=3, seconds=0.1)
        say("已经是中文的一句话")
    assert capsys.readouterr().err.splitlines() == [
        text("serve.warn-no-descriptors", "zh", error="Too many open files"),
        text("serve.warn-accepting", "zh", count=3, seconds=0.1),
        "已经是中文的一句话",
    ]


def test_the_loggers_and_python_warnings_are_given_back_after_the_run() -> None:
    logger = logging.getLogger("simulator")
    before = (list(logger.handlers), logger.propagate, warnings.showwarning)
    with routed("en") as notices:
        assert isinstance(notices, Notices) and notices in logger.handlers
        assert not logger.propagate and warnings.showwarning is not before[2]
        warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)
    assert (list(logger.handlers), logger.propagate, warnings.showwarning) == before


def test_a_sink_that_fails_never_stops_the_server(capsys: pytest.CaptureFixture[str]) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("screen gone")

    with routed("en") as notices, notices.to(broken):
        warn("serve.warn-accepting", count=1, seconds=0.1)
        logging.raiseExceptions, raising = False, logging.raiseExceptions
        try:
            logging.getLogger("simulator.server").warning("x", extra=notice("serve.warn-other",
                                                                              message="x"))
        finally:
            logging.raiseExceptions = raising
    assert notices.sink == notices.on_stderr
