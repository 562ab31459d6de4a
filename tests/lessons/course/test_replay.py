"""Replaying a lesson: directives drive one engine session on the lesson's own clock, a
reconnect opens a new session and keeps what the server remembers, and a lesson's setup
becomes the engine's policy."""

from __future__ import annotations

from simulator.lessons.course import Check, Goal, Scope, Setup
from simulator.lessons.course.replay import LessonRun, policy_for, replay
from simulator.lessons.course.script import Pause, Reconnect, Send
from tests.lessons.course.sample import lesson


def test_a_new_session_resets_a_session_count_and_open_transaction_goals() -> None:
    target = lesson(Goal("mail", Check(verb="MAIL", code=250), scope=Scope.TRANSACTION),
                    Goal("two", Check(keys=("session.noop",)), count=2, scope=Scope.SESSION))
    play = LessonRun(target)
    for directive in (Send("EHLO c.example"), Send("MAIL FROM:<a@x.org>"), Send("NOOP"),
                      Reconnect()):
        play.apply(directive)
    assert play.progress.met == ()
    assert play.progress.undone == ("mail",)
    play.apply(Send("NOOP"))
    assert not play.progress.is_met("two")
    play.apply(Send("NOOP"))
    assert play.progress.is_met("two")


def test_the_lesson_clock_passes_the_idle_timeout() -> None:
    target = lesson(Goal("timeout", Check(code=421, enhanced="4.4.2", closes=True)),
                    setup=Setup(idle_timeout=20))
    play = LessonRun(target)
    assert play.apply(Pause(19)).exchanges == ()
    outcome = play.apply(Pause(1))
    assert [exchange.reply.key for exchange in outcome.exchanges] == ["session.timeout"]
    assert play.complete and play.closed
    assert play.apply(Send("NOOP")).sent is None  # nothing goes out on a closed session


def test_a_realistic_lesson_plays_greylisting_on_the_lesson_clock() -> None:
    target = lesson(Goal("grey", Check(code=451, enhanced="4.7.1")),
                    Goal("pass", Check(verb="RCPT", code=250), after=("grey",)),
                    setup=Setup(scenario="realistic", greylist_delay=5))
    play = LessonRun(target)
    assert play.greeting[0].reply.key == "session.greeting-scenario"
    for line in ("EHLO client.example", "MAIL FROM:<a@example.org>", "RCPT TO:<greylist@example.com>"):
        play.apply(Send(line))
    play.apply(Pause(2))
    play.apply(Send("RCPT TO:<greylist@example.com>"))
    assert play.progress.met == ("grey",)  # 2 s is too soon: 451 again
    play.apply(Reconnect())  # greylisting is remembered across sessions
    play.apply(Pause(4))
    for line in ("EHLO client.example", "MAIL FROM:<a@example.org>", "RCPT TO:<greylist@example.com>"):
        play.apply(Send(line))
    assert play.progress.met == ("grey", "pass")


def test_a_lesson_setup_becomes_the_engine_policy() -> None:
    policy = policy_for(Setup(max_size=2000, max_recipients=3, accept_bare_lf=True,
                              tls="required", auth=(("alice", "secret"),)))
    assert (policy.max_message_size, policy.max_recipients) == (2000, 3)
    assert policy.accept_bare_lf and policy.tls and policy.require_tls and policy.auth
    assert [(a.name, a.password) for a in policy.accounts] == [("alice", "secret")]
    plain = policy_for(Setup())
    assert not (plain.tls or plain.require_tls or plain.auth or plain.accept_bare_lf)


ENVELOPE = ["EHLO c.example", "# now the envelope", "MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>",
            "DATA"]


def test_replay_sends_the_script_and_never_its_narration() -> None:
    target = lesson(Goal("sent", Check(keys=("data.accepted",))))
    play = replay(target, [*ENVELOPE, "# a note inside the message", "Subject: hi", "", "hello", "."])
    assert play.complete
    message = play.exchanges[-1].message
    assert message is not None and message.content.endswith(b"Subject: hi\r\n\r\nhello\r\n")
    assert b"note" not in message.content and b"envelope" not in message.content


def test_an_eol_directive_inside_the_message_switches_the_line_ending() -> None:
    target = lesson(Goal("sent", Check(keys=("data.accepted",))))
    play = replay(target, [*ENVELOPE, ":eol lf", "Subject: hi", ":eol crlf", "", "hello", "."])
    assert play.exchanges[-1].reply.key == "data.bare-lf"
    assert not play.complete
