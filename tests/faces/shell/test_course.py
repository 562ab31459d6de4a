"""A lesson on the console's road, replayed on a virtual clock: the same context, connection
and server as the typed lesson (real TLS included), directives as the console's own commands,
and time that passes at once where a script waits."""

from __future__ import annotations

import io
import time

from simulator.faces.shell.course import replay
from simulator.lessons.course import Check, Goal, Scope, Setup, missing_goals
from tests.lessons.course.sample import lesson
from tests.wording import says


def keys(lines: list[str], target: object) -> list[str]:
    from simulator.lessons.course import Lesson

    assert isinstance(target, Lesson)
    return [exchange.reply.key for exchange in replay(target, lines).exchanges]


def test_a_new_session_resets_a_session_count_and_open_transaction_goals() -> None:
    target = lesson(Goal("mail", Check(verb="MAIL", code=250), scope=Scope.TRANSACTION),
                    Goal("two", Check(keys=("session.noop",)), count=2, scope=Scope.SESSION))
    start = ["EHLO c.example", "MAIL FROM:<a@x.org>", "NOOP", ":reconnect"]
    played = replay(target, start)
    assert played.progress.met == () and played.progress.undone == ("mail",)
    assert not replay(target, [*start, "NOOP"]).progress.is_met("two")
    assert replay(target, [*start, "NOOP", "NOOP"]).progress.is_met("two")


def test_the_idle_timeout_fires_on_the_virtual_clock_at_once() -> None:
    target = lesson(Goal("timeout", Check(code=421, enhanced="4.4.2", closes=True)),
                    setup=Setup(idle_timeout=20))
    assert keys([":pause 19"], target) == ["session.greeting"]
    started = time.monotonic()
    played = replay(target, [":pause 19", ":pause 1.5", "NOOP"])
    assert time.monotonic() - started < 5  # 20.5 s of the lesson's time, not of ours
    assert [e.reply.key for e in played.exchanges] == ["session.greeting", "session.timeout"]
    assert missing_goals(target, played.progress) == ()  # and the NOOP was never sent


def test_a_realistic_lesson_plays_greylisting_on_the_virtual_clock() -> None:
    target = lesson(Goal("grey", Check(code=451, enhanced="4.7.1")),
                    Goal("pass", Check(verb="RCPT", code=250), after=("grey",)),
                    setup=Setup(scenario="realistic", greylist_delay=5))
    envelope = ["EHLO client.example", "MAIL FROM:<a@example.org>",
                "RCPT TO:<greylist@example.com>"]
    too_soon = replay(target, [*envelope, ":pause 2", "RCPT TO:<greylist@example.com>"])
    assert too_soon.exchanges[0].reply.key == "session.greeting-scenario"
    assert too_soon.progress.met == ("grey",)  # 2 s is too soon: 451 again
    # greylisting is remembered across sessions
    later = replay(target, [*envelope, ":pause 2", ":reconnect", ":pause 4", *envelope])
    assert later.progress.met == ("grey", "pass")


def test_starttls_is_a_real_handshake() -> None:
    target = lesson(Goal("tls", Check(keys=("tls.ready",))), setup=Setup(tls="offered"))
    out = io.StringIO()
    played = replay(target, ["EHLO c.example", "STARTTLS", "EHLO c.example"], out=out)
    assert says(out.getvalue(), "tls.established", version="TLSv1.3")
    assert [e.reply.key for e in played.exchanges] == [
        "session.greeting", "session.ehlo", "tls.ready", "session.ehlo"]
    assert missing_goals(target, played.progress) == ()


ENVELOPE = ["EHLO c.example", "# now the envelope", "MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>",
            "DATA"]


def test_replay_sends_the_script_and_never_its_narration() -> None:
    target = lesson(Goal("sent", Check(keys=("data.accepted",))))
    out = io.StringIO()
    play = replay(target, [*ENVELOPE, "# a note inside the message", "Subject: hi", "", "hello",
                           "."], out=out)
    assert missing_goals(target, play.progress) == ()
    message = play.exchanges[-1].message
    assert message is not None and message.content.endswith(b"Subject: hi\r\n\r\nhello\r\n")
    assert b"note" not in message.content and b"envelope" not in message.content
    assert "# a note inside the message" in out.getvalue()


def test_an_eol_directive_inside_the_message_switches_the_line_ending() -> None:
    target = lesson(Goal("sent", Check(keys=("data.accepted",))))
    play = replay(target, [*ENVELOPE, ":eol lf", "Subject: hi", ":eol crlf", "", "hello", "."])
    assert play.exchanges[-1].reply.key == "data.bare-lf"
    assert missing_goals(target, play.progress) != ()


def test_a_pipelined_group_leaves_in_one_write_and_every_reply_is_explained() -> None:
    target = lesson(Goal("sent", Check(keys=("data.accepted",))))
    out = io.StringIO()
    play = replay(target, ["EHLO c.example", ":pipeline", "MAIL FROM:<a@x.org>",
                           "RCPT TO:<b@y.org>", "RCPT TO:<c@y.org>", "DATA", ":end",
                           "Subject: hi", "", "hello", "."], out=out)
    assert missing_goals(target, play.progress) == ()
    text = out.getvalue()
    assert text.index("pipe> RCPT TO:<c@y.org>") < text.index(" -> MAIL FROM:<a@x.org>")
    sent = text.index(" -> DATA")
    assert sent < text.index("<-  250 2.1.0") < text.index("<-  354")  # replies after the group
