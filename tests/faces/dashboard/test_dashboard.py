"""``serve --dashboard`` with real TCP clients (smtplib, raw sockets making the usual
mistakes), the dashboard driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
import smtplib
from collections.abc import Callable

import trio
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from simulator.faces.dashboard.app import DashboardApp
from simulator.faces.dashboard.run import show_dashboard
from simulator.faces.dashboard.state import Focus
from simulator.faces.serve.classlog import ClassFeed
from simulator.faces.serve.linelog import LogOutput
from simulator.faces.serve.main import _serve
from simulator.lessons.classmodel.shared import SharedClass
from simulator.options.records import ServeOptions
from simulator.protocol import Policy
from simulator.render.dashboard import table_fragments
from simulator.render.fragments import to_plain
from simulator.server.secure import Prepared
from simulator.server.store import MemoryStore
from tests.replies_reader import wire
from tests.smtp_client import GUARD

DOWN = "\x1b[B"


def plain_server() -> Prepared:
    """The strict server without TLS or AUTH, as ``serve`` prepares it."""
    from simulator.server.secure import prepare, read_options

    return prepare(read_options(serve_args().security), Policy())


def serve_args() -> ServeOptions:
    """``serve --port 0`` as the command line gives it (every option at its default)."""
    from simulator.cli.command import parse_options

    options = parse_options(["serve", "--port", "0", "--max-clients", "1000"])
    assert isinstance(options, ServeOptions)
    return options


async def wait_for(condition: Callable[[], bool]) -> None:
    with trio.fail_after(GUARD):
        while not condition():
            await trio.sleep(0.02)


def smtplib_mail(port: int) -> None:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="student1.example",
                      timeout=GUARD) as client:
        client.sendmail("ann@example.org", ["bob@example.net"], b"Subject: hi\r\n\r\nhello\r\n")


async def raw(port: int, data: bytes, replies: int) -> trio.SocketStream:
    """Connect, send ``data``, read until ``replies`` reply lines (greeting included) came."""
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    seen = b""
    with trio.fail_after(GUARD):
        await stream.send_all(data)
        while sum(1 for line in seen.split(b"\r\n") if line[3:4] == b" ") < replies:
            seen += await stream.receive_some(4096)
    return stream


def text(fragments: object) -> str:
    return to_plain(fragments)  # type: ignore[arg-type]


async def test_the_dashboard_shows_the_class_and_quit_says_421_to_everyone() -> None:
    shared = SharedClass()
    class_feed = ClassFeed(shared, timestamps=False)
    found: list[DashboardApp] = []
    urls: list[str] = []
    status: list[int] = []
    with create_pipe_input() as pipe:

        async def screen(shared: SharedClass, url: str, lang: str) -> None:
            urls.append(url)
            await show_dashboard(shared, url, lang, input=pipe, output=DummyOutput(),
                                 started=found.append)

        async def serve() -> None:
            status.append(await _serve(serve_args(), plain_server(), MemoryStore(),
                                       LogOutput(io.StringIO()), class_feed, screen))

        async with trio.open_nursery() as nursery:
            nursery.start_soon(serve)
            await wait_for(lambda: bool(found))
            dash, port = found[0], int(urls[0].rsplit(":", 1)[1])
            assert "nc -C 127.0.0.1" in text(dash._table())  # nobody yet: how to connect

            await trio.to_thread.run_sync(smtplib_mail, port)
            colon = await raw(port, b"EHLO s2.example\r\nMAIL FROM: <a@b.example>\r\n", 2)
            typo = await raw(port, b"HELO s3.example\r\nMAIL FROM: <x@y.example>\r\n"
                                   b"QUT\r\nNOOP \x1b[2J\x07\r\n", 4)
            await wait_for(lambda: shared.model.total_sessions == 3
                           and shared.model.sessions["S3"].commands == 4)

            narrow = text(dash._table())  # 80 columns: HELO stays, AUTH, TLS... go
            assert "student1.example" in narrow and "s2.example" in narrow
            assert "AUTH" not in narrow.splitlines()[0]
            with shared.lock:
                table = text(table_fragments(shared.model, dash.state.choices(), 0.0, 160, 20))
            assert table.splitlines()[0].split() == [
                "id", "client", "HELO", "state", "cmds", "errs", "msgs", "last", "reply",
                "idle", "TLS", "AUTH"]
            row = next(line for line in table.splitlines() if line.startswith("S1 "))
            assert row.split()[3:7] == ["closed", "6", "0", "1"]  # EHLO MAIL RCPT DATA . QUIT
            row = next(line for line in table.splitlines() if line.startswith("S3 "))
            assert row.split()[2:6] == ["s3.example", "greeted", "4", "2"]

            mistakes = " ".join(text(dash._mistakes()).split())  # the pane wraps long lines
            assert "501 space around the colon: 2 sessions" in mistakes
            assert "500 unknown command (typo?): 1 session" in mistakes

            pipe.send_text(DOWN * 3)  # from the newest (follow) to the last row, S3
            await wait_for(lambda: dash.state.selected == "S3" and not dash.state.follow)
            transcript = text(dash._transcript())
            assert "Session S3 from 127.0.0.1:" in transcript
            assert " -> NOOP \\x1b[2J\\x07" in transcript and "\x1b" not in transcript
            assert "Why:" in transcript  # explained as the student's console explains it
            pipe.send_text("\x1b[5~")  # PageUp: earlier in the transcript
            await wait_for(lambda: dash.state.scroll > 0)
            assert ' -> QUT\n<** 500 5.5.2 Syntax error: command "QUT"' in text(dash._transcript())

            pipe.send_text("\r\r")  # focus: transcript, then the mistakes
            await wait_for(lambda: dash.state.focus is Focus.MISTAKES)
            assert "Sessions that made it: S2, S3" in " ".join(text(dash._mistakes()).split())

            pipe.send_text("/s2\r")
            await wait_for(lambda: dash.state.filter_text == "s2")
            rows = [line for line in text(dash._table()).splitlines()[1:] if line.strip()]
            assert [line.split()[0] for line in rows] == ["S2"]

            pipe.send_text("s")
            await wait_for(lambda: dash.state.spotlight)
            spot = text(dash._spotlight())
            assert spot.startswith(" Spotlight: session S2") and "MAIL FROM: <a@b.example>" in spot

            pipe.send_text("l")
            await wait_for(lambda: dash.state.lang == "zh")
            assert "聚光灯：会话 S2" in text(dash._spotlight())

            pipe.send_text("q")
            await wait_for(lambda: dash.state.confirming)
            pipe.send_text("n")
            await wait_for(lambda: not dash.state.confirming)
            pipe.send_text("qy")
            await wait_for(lambda: bool(status))
        assert status == [0]
        assert shared.lang == "zh"  # the summary at exit follows the dashboard's language
        for stream in (colon, typo):
            with trio.fail_after(GUARD):
                rest = b""
                while chunk := await stream.receive_some(4096):
                    rest += chunk
            assert rest.endswith(wire("session.shutdown"))
            await stream.aclose()


async def test_filter_by_address_and_errors_only() -> None:
    from simulator.faces.dashboard.state import Dashboard
    from tests.lessons.classmodel.test_model import feed

    shared = SharedClass()
    feed(shared.model, "S1", b"EHLO one\r\n", peer="10.0.0.1:5")
    feed(shared.model, "S2", b"QUT\r\n", peer="10.0.0.2:6")
    state = Dashboard(shared.model)
    state.act("errors")
    assert [r.session_id for r in state.rows()] == ["S2"]
    state.act("errors")
    state.set_filter("10.0.0.1")
    assert [r.session_id for r in state.rows()] == ["S1"]
    state.set_filter("")
    state.follow = False
    state.act("down")
    assert state.selected == "S1"
    state.act("down")
    assert state.selected == "S2"


async def test_keys_for_messages_sort_and_mistakes_by_step() -> None:
    """m lists the messages, Enter opens one, r shows it raw, Esc goes back; o cycles the
    table's order; n narrows the common mistakes to one lesson step."""
    from simulator.lessons.classmodel.model import LessonStep
    from simulator.protocol.events import SessionEnd
    from tests.lessons.classmodel.test_model import MESSAGE, feed

    shared = SharedClass()
    model = shared.model
    model.lesson_steps = (LessonStep("greet", {"en": "Say EHLO", "zh": "打招呼"}),
                          LessonStep("send", {"en": "Send a message", "zh": "发一封邮件"}))
    feed(model, "S1", *MESSAGE)
    session = feed(model, "S2", b"QUT\r\n", *MESSAGE[:4], b"Subject: half\r\n")
    model.ended(SessionEnd("S2", "127.0.0.1:1", session.state), 1.0)
    for record in model.sessions.values():
        record.steps_total = 2
    found: list[DashboardApp] = []
    with create_pipe_input() as pipe:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: show_dashboard(shared, "smtp://127.0.0.1:2525", "en",
                                                      input=pipe, output=DummyOutput(),
                                                      started=found.append))
            await wait_for(lambda: bool(found))
            dash = found[0]
            pipe.send_text("m")
            await wait_for(lambda: dash.state.messages)
            listed = text(dash._messages())
            assert "Messages: 2 listed" in listed and "hung up inside DATA" in listed
            pipe.send_text(DOWN + "\x1b[A\r")  # the newest, back up to the first, open it
            await wait_for(lambda: dash.state.message_open)
            assert dash.state.message == 1
            assert "Message 1 from laptop.example (S1)" in text(dash._messages())
            pipe.send_text("r")
            await wait_for(lambda: dash.state.message_raw)
            assert "hello\\r\\n" in text(dash._messages())
            pipe.send_text("\x1b")
            await wait_for(lambda: not dash.state.message_open)
            pipe.send_text("m")
            await wait_for(lambda: not dash.state.messages)
            assert "S1" in text(dash._table())

            pipe.send_text("oo")
            await wait_for(lambda: dash.state.sort == "name")
            assert "sorted by name" in text(dash._title())
            pipe.send_text("n")
            await wait_for(lambda: dash.state.step == 1)
            narrowed = " ".join(text(dash._mistakes()).split())  # the pane wraps
            assert narrowed.startswith("Common mistakes at step 1: Say EHLO")
            assert "unknown command" in text(dash._mistakes())
            pipe.send_text("n")
            await wait_for(lambda: dash.state.step == 2)
            assert "No mistakes yet." in text(dash._mistakes())
            pipe.send_text("n")
            await wait_for(lambda: dash.state.step == 0)
            pipe.send_text("qy")
