"""The gradebook gathered from serve's --log records: students joined over reconnects, steps,
mistakes, messages, and what a log cut short or edited by hand does to it."""

from __future__ import annotations

import pytest

from simulator.render import gradebook
from simulator.render.gradebook import collect


def exchange(session: str, command: str | None, code: int, key: str, *,
             time: str = "2026-12-07T09:00:00.000+00:00",
             client: str = "127.0.0.1:4000") -> dict[str, object]:
    return {"time": time, "session": session, "client": client, "command": command,
            "reply_code": code, "enhanced_code": None, "key": key, "state": "greeted"}


def event(session: str, name: str, *, client: str = "127.0.0.1:4000",
          time: str = "2026-12-07T09:05:00.000+00:00", **fields: object) -> dict[str, object]:
    return {"time": time, "session": session, "client": client, "event": name, **fields}


def test_a_student_who_reconnects_is_one_row_with_both_sessions() -> None:
    book = collect([
        exchange("S1", None, 220, "session.greeting"),
        exchange("S1", "EHLO ann.example", 250, "session.ehlo"),
        exchange("S1", "MAIL FROM: <a@b.example>", 501, "syntax.space-after-colon"),
        event("S1", "end", how="client", message_discarded=False),
        exchange("S2", "EHLO ann.example", 250, "session.ehlo", client="127.0.0.1:4001",
                 time="2026-12-07T09:10:00.000+00:00"),
        exchange("S2", "MAIL FROM: <a@b.example>", 501, "syntax.space-after-colon",
                 client="127.0.0.1:4001", time="2026-12-07T09:11:00.000+00:00"),
    ])
    [row] = book.rows
    assert (row.name, row.sessions, row.commands, row.errors) == ("ann.example", 2, 4, 2)
    assert row.mistake == ("syntax.space-after-colon", 2, 501)
    assert row.first.startswith("2026-12-07T09:00") and row.last.startswith("2026-12-07T09:11")
    [mistake] = book.mistakes
    assert (mistake.key, mistake.code, mistake.times, mistake.students) == (
        "syntax.space-after-colon", 501, 2, 1)


def test_the_lesson_s_name_wins_and_steps_add_up_over_sessions() -> None:
    book = collect([
        exchange("S1", "EHLO pc17.lab", 250, "session.ehlo"),
        event("S1", "student", student="bea", lesson="first-mail", total=3),
        event("S1", "step", student="bea", lesson="first-mail", step="greet", done=1, total=3),
        exchange("S2", "EHLO pc17.lab", 250, "session.ehlo", client="127.0.0.1:5000"),
        event("S2", "step", client="127.0.0.1:5000", student="bea", lesson="first-mail",
              step="send", done=2, total=3),
        event("S2", "step", client="127.0.0.1:5000", student="bea", lesson="first-mail",
              step="send", done=2, total=3),
        exchange("S3", "EHLO cid.example", 250, "session.ehlo", client="127.0.0.1:6000"),
        event("S3", "step", client="127.0.0.1:6000", student="cid", lesson="first-mail",
              step="greet", done=1, total=1),
    ])
    rows = {row.name: row for row in book.rows}
    assert set(rows) == {"bea", "cid"} and book.lesson
    assert rows["bea"].lessons == (("first-mail", 2, 3),) and not rows["bea"].finished
    assert rows["cid"].finished


def test_messages_are_counted_from_message_records_else_from_the_replies() -> None:
    with_records = collect([
        event("S1", "message", status="accepted"), event("S1", "message", status="discarded"),
        exchange("S1", ".", 250, "data.accepted"),
    ])
    assert (with_records.rows[0].accepted, with_records.rows[0].discarded) == (1, 1)
    older_log = collect([
        exchange("S1", ".", 250, "data.accepted"), exchange("S1", ".", 250, "data.accepted"),
        event("S1", "end", how="client", message_discarded=True),
    ])
    assert (older_log.rows[0].accepted, older_log.rows[0].discarded) == (2, 1)


def test_the_server_s_own_troubles_are_not_the_student_s_mistakes() -> None:
    book = collect([exchange("S1", "QUIT", 421, "session.shutdown"),
                    exchange("S1", "DATA", 451, "data.storage-failed")])
    assert book.rows[0].errors == 0 and book.mistakes == ()


@pytest.mark.parametrize("junk", [None, [], "text", {"session": 3}, {"no": "session"},
                                  {"session": "S1", "key": "made.up", "reply_code": 500},
                                  {"session": "S1", "event": "step", "lesson": "x"}])
def test_what_serve_never_writes_is_skipped_and_counted(junk: object) -> None:
    book = collect([exchange("S1", "NOOP", 250, "session.noop"), junk])
    assert book.skipped == 1 and book.rows[0].commands == 1 and book.mistakes == ()


def test_sessions_past_the_limit_are_counted_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gradebook, "SESSION_LIMIT", 3)
    book = collect([exchange(f"S{n}", "NOOP", 250, "session.noop", client=f"10.0.0.{n}:1")
                    for n in range(5)])
    assert len(book.rows) == 3 and book.untracked == 2


def test_a_long_name_is_kept_short() -> None:
    book = collect([exchange("S1", "EHLO " + "a" * 300 + ".example", 250, "session.ehlo")])
    assert len(book.rows[0].name) == gradebook.NAME_LIMIT


def test_a_teacher_s_rule_is_a_mistake_with_its_own_code() -> None:
    book = collect([exchange("S1", "RCPT TO:<x@partner.example>", 550, "rule.blocked-partner"),
                    exchange("S1", "RCPT TO:<x@partner.example>", 550, "rule.blocked-partner")])
    assert book.rows[0].mistake == ("rule.blocked-partner", 2, 550)
    assert [(m.key, m.code) for m in book.mistakes] == [("rule.blocked-partner", 550)]


def test_made_up_rules_past_the_limit_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gradebook, "KEY_LIMIT", 2)
    book = collect([exchange("S1", "NOOP", 550, f"rule.r{n}") for n in range(4)])
    assert book.skipped == 2 and book.rows[0].errors == 2


def test_steps_are_how_far_the_tutor_counted_not_every_id_ever_ticked() -> None:
    """Lesson 11's steps hold within one transaction: a student who met 'unknown' in one
    and 'known' in another never had two steps done at once."""
    book = collect([
        event("S1", "step", student="dee", lesson="unknown-user", step="unknown", done=1,
              total=3),
        event("S1", "step", student="dee", lesson="unknown-user", step="known", done=1,
              total=3),
    ])
    assert book.rows[0].lessons == (("unknown-user", 1, 3),)


@pytest.mark.parametrize("done", [-1, 4, "2", None, True])
def test_a_step_count_serve_never_writes_is_skipped(done: object) -> None:
    book = collect([event("S1", "step", student="x", lesson="l", step="s", done=done, total=3)])
    assert book.skipped == 1 and book.rows == ()
