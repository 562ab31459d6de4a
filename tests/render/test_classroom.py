"""The class model: sessions and mistakes from what the engine said, masked and bounded."""

from __future__ import annotations

import dataclasses
import datetime
import json

from simulator.protocol import Exchange, Session, State, make_reply
from simulator.render.classroom import (
    ClassModel,
    SessionEnd,
    mask_credentials,
)
from simulator.render.lessonlog import end_line, exchange_record, summary_text


def feed(model: ClassModel, session_id: str, *lines: bytes, peer: str = "127.0.0.1:1",
         now: float = 0.0) -> Session:
    """Run ``lines`` through a real engine session and give every Exchange to the model."""
    session = Session(session_id=session_id, peer=peer)
    model.observe(session_id, peer, session.greeting(), now)
    for line in lines:
        for exchange in session.receive_data(line):
            model.observe(session_id, peer, exchange, now)
    return session


MESSAGE = (b"EHLO laptop.example\r\n", b"MAIL FROM:<a@b.example>\r\n", b"RCPT TO:<c@d.example>\r\n",
           b"DATA\r\n", b"Subject: hi\r\n\r\nhello\r\n.\r\n", b"QUIT\r\n")


def test_a_clean_session_is_counted_and_ends_by_quit() -> None:
    model = ClassModel()
    feed(model, "S1", *MESSAGE)
    record = model.sessions["S1"]
    assert (record.helo, record.commands, record.errors, record.accepted) == (
        "laptop.example", 6, 0, 1)
    assert record.closed and record.ended == "quit" and record.state is State.CLOSED
    assert record.last_reply.startswith("221 2.0.0 ")
    assert model.accepted == 1 and model.mistakes() == []


def test_mistakes_are_tallied_by_sessions_then_times() -> None:
    model = ClassModel()
    feed(model, "S1", b"EHLO a\r\n", b"MAIL FROM: <a@b.example>\r\n", b"MAIL FROM: <a@b.example>\r\n")
    feed(model, "S2", b"EHLO b\r\n", b"MAIL FROM: <x@y.example>\r\n", b"RCPT TO:<c@d.example>\r\n")
    feed(model, "S3", b"QUT\r\n")
    found = model.mistakes()
    assert [(m.key, m.sessions, m.times) for m in found] == [
        ("syntax.space-after-colon", ("S1", "S2"), 3),
        ("sequence.rcpt-before-mail", ("S2",), 1),
        ("syntax.unknown-command", ("S3",), 1),
    ]
    assert model.sessions["S1"].errors == 2 and model.sessions["S3"].errors == 1
    assert [r.session_id for r in model.rows(errors_only=True)] == ["S1", "S2", "S3"]
    assert [r.session_id for r in model.rows(text="b")] == ["S2"]  # HELO name b


def test_a_client_that_hangs_up_inside_data_lost_its_message() -> None:
    model = ClassModel()
    session = feed(model, "S7", *MESSAGE[:4], b"Subject: half\r\n", peer="10.0.0.2:5")
    record = model.ended(SessionEnd("S7", "10.0.0.2:5", session.state), 1.0)
    assert record.ended == "client" and record.discarded
    assert end_line(record, "en") == ("S7 10.0.0.2:5  session ended: the client hung up"
                                      " inside DATA: message discarded")
    quitter = ClassModel()
    feed(quitter, "S1", *MESSAGE)
    record = quitter.ended(SessionEnd("S1", "127.0.0.1:1", State.CLOSED), 1.0)
    assert record.ended == "quit" and not record.discarded


def test_credentials_are_masked_before_they_are_kept() -> None:
    assert mask_credentials(b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n", in_auth=False) == (
        b"AUTH PLAIN ****\r\n")
    assert mask_credentials(b"auth login dXNlcg==\r\n", in_auth=False) == b"AUTH login ****\r\n"
    assert mask_credentials(b"AUTH LOGIN\r\n", in_auth=False) == b"AUTH LOGIN\r\n"
    assert mask_credentials(b"c2VjcmV0\r\n", in_auth=True) == b"****\r\n"
    model = ClassModel()
    auth = Exchange(b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n", None,
                    make_reply("syntax.not-implemented", verb="AUTH"), State.GREETED,
                    State.GREETED)
    challenge = dataclasses.replace(auth, line=b"AUTH LOGIN\r\n")
    challenge = dataclasses.replace(challenge, reply=dataclasses.replace(challenge.reply, code=334))
    secret = dataclasses.replace(auth, line=b"c2VjcmV0\r\n")
    shown = [model.observe("S1", "p", item, 0.0) for item in (auth, challenge, secret)]
    assert [item.line for item in shown] == [b"AUTH PLAIN ****\r\n", b"AUTH LOGIN\r\n", b"****\r\n"]
    assert b"AGFsaWNl" not in b"".join(e.line for e in model.sessions["S1"].transcript)
    record = exchange_record(datetime.datetime(2026, 1, 1), "S1", "p", shown[0])
    assert json.loads(json.dumps(record))["command"] == "AUTH PLAIN ****"


def test_pipelined_lines_are_masked_one_by_one() -> None:
    """``:pipeline`` sends several lines in one write: an AUTH line among them is masked too,
    and only the first line can be the answer to a 334."""
    assert mask_credentials(b"EHLO a.example\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nNOOP\r\n",
                            in_auth=False) == b"EHLO a.example\r\nAUTH PLAIN ****\r\nNOOP\r\n"
    assert mask_credentials(b"c2VjcmV0\r\nNOOP\r\n", in_auth=True) == b"****\r\nNOOP\r\n"


def test_clear_forgets_closed_rows_but_not_the_tallies() -> None:
    model = ClassModel()
    feed(model, "S1", b"QUT\r\n", b"QUIT\r\n")
    feed(model, "S2", b"EHLO x\r\n")
    assert model.clear_closed() == 1
    assert list(model.sessions) == ["S2"] and model.total_sessions == 2
    assert model.mistakes()[0].key == "syntax.unknown-command"


def test_transcripts_are_bounded() -> None:
    model = ClassModel()
    feed(model, "S1", *([b"EHLO laptop.example\r\n"] * 1000))  # not NOOP: past 100 it counts as an error
    record = model.sessions["S1"]
    assert record.commands == 1000 and len(record.transcript) == 200
    lean = ClassModel(transcripts=False)
    feed(lean, "S1", b"NOOP\r\n")
    assert lean.sessions["S1"].commands == 1 and not lean.sessions["S1"].transcript


def test_the_summary_counts_sessions_messages_and_the_top_five_mistakes() -> None:
    model = ClassModel()
    feed(model, "S1", *MESSAGE)
    typos = [b"QUT\r\n", b"MAIL FROM: <a@b.example>\r\n", b"RCPT TO:<a@b.example>\r\n",
             b"DATA\r\n", b"EXPN x\r\n", b"HELP nothing\r\n", b"FOO\r\n"]
    for number in range(2, 5):
        feed(model, f"S{number}", b"EHLO x\r\n", *typos)
    text = summary_text(model, "en").splitlines()
    assert text[0] == "Class summary: 4 session(s), 1 message(s) accepted."
    listed = text[2:]
    assert len(listed) == 5
    assert listed[0].split() [:2] == ["3", "syntax.unknown-command"]  # 2 a session, 3 sessions
    zh = summary_text(model, "zh")
    assert zh.startswith("课堂小结：共 4 个会话，接受了 1 封邮件。")
    assert "未知命令（拼写错误？）" in zh


def test_a_mistake_lists_a_bounded_number_of_sessions_but_counts_them_all() -> None:
    model = ClassModel()
    for number in range(1, 251):
        feed(model, f"S{number}", b"QUT\r\n", b"QUT\r\n")
    (mistake,) = model.mistakes()
    assert (mistake.count, mistake.times, len(mistake.sessions)) == (250, 500, 200)
    assert mistake.sessions[:2] == ("S1", "S2")
