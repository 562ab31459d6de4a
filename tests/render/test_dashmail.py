"""The messages pane as the teacher sees it: the list, one message opened, raw; escaped."""

from __future__ import annotations

from simulator.lessons.classmodel.messages import ClassMessages
from simulator.lessons.classmodel.model import ClassModel
from simulator.protocol.events import SessionEnd
from simulator.render.dashmail import message_fragments, messages_fragments
from simulator.render.fragments import to_plain
from tests.lessons.classmodel.test_model import MESSAGE, feed

EVIL = (b"EHLO evil.example\r\n", b"MAIL FROM:<e@v.example>\r\n", b"RCPT TO:<c@d.example>\r\n",
        b"DATA\r\n", b"Subject: \x1b[2Jgone\r\n\r\nbell \x07 here\r\n.\r\n")


def classroom() -> ClassModel:
    model = ClassModel()
    model.clock = "10:00:01"
    feed(model, "S1", *MESSAGE, stored="/srv/mail/new/1.S1-1")
    feed(model, "S2", *MESSAGE[:4], b"Subject: lf\nbare\r\n.\r\n")
    session = feed(model, "S3", *MESSAGE[:4], b"Subject: half\r\n")
    model.ended(SessionEnd("S3", "127.0.0.1:1", session.state), 1.0)
    feed(model, "S4", *EVIL)
    return model


def listing(log: ClassMessages, width: int = 160, lang: str = "en", selected: int = 0) -> str:
    return to_plain(messages_fragments(log, lang, width, 20, selected))


def test_every_message_is_listed_accepted_or_discarded_with_why() -> None:
    lines = listing(classroom().messages).splitlines()
    assert lines[0].startswith(" Messages: 4 listed")
    assert lines[1].split() == ["#", "time", "student", "envelope", "Subject", "size", "where"]
    first = lines[2].split()
    assert first[:6] == ["1", "10:00:01", "laptop.example", "a@b.example", "→", "c@d.example"]
    assert first[6:] == ["hi", "22", "/srv/mail/new/1.S1-1"]
    assert "discarded: bare LF in the message" in lines[3]
    assert "discarded: hung up inside DATA" in lines[4]
    zh = listing(classroom().messages, lang="zh")
    assert "已丢弃：在 DATA 中断开了连接" in zh and "主题" in zh


def test_client_bytes_are_escaped_in_the_list_and_the_opened_message() -> None:
    model = classroom()
    text = listing(model.messages)
    assert "\\x1b[2Jgone" in text and "\x1b" not in text
    opened = to_plain(message_fragments(model.messages.messages[-1], "en", 100, 40))
    assert "Subject: \\x1b[2Jgone" in opened and "bell \\x07 here" in opened
    assert "\x1b" not in opened and "\x07" not in opened


def test_an_opened_message_shows_header_body_raw_and_scrolls() -> None:
    message = classroom().messages.messages[0]
    opened = to_plain(message_fragments(message, "en", 100, 40)).splitlines()
    assert opened[0].startswith(" Message 1 from laptop.example (S1)")
    assert opened[1] == "Envelope: MAIL FROM:<a@b.example> · RCPT TO: <c@d.example>"
    assert opened[2] == "Stored in /srv/mail/new/1.S1-1"
    assert opened[3] == "Header" and opened[4].startswith("Received: from laptop.example")
    assert opened[-2:] == ["Body", "hello"]
    raw = to_plain(message_fragments(message, "en", 100, 40, raw=True))
    assert "Raw, as stored" in raw and "Subject: hi\\r\\n" in raw and "hello\\r\\n" in raw
    scrolled = to_plain(message_fragments(message, "en", 100, 4, scroll=2)).splitlines()
    assert len(scrolled) == 4 and scrolled[1] == "Header"
    zh = to_plain(message_fragments(message, "zh", 100, 40))
    assert "邮件头" in zh and "正文" in zh


def test_a_discarded_message_opened_says_why_and_that_no_text_was_kept() -> None:
    lost = classroom().messages.messages[2]
    opened = to_plain(message_fragments(lost, "en", 100, 40)).splitlines()
    assert opened[2] == "Discarded: hung up inside DATA"
    assert opened[3].startswith("Its text was not kept")


def test_the_screen_says_when_older_messages_were_dropped() -> None:
    log = classroom().messages
    log.dropped = 7
    assert "7 older messages are no longer held" in listing(log)
    assert "No message has been sent yet." in listing(ClassMessages())


def test_a_long_list_scrolls_to_the_selected_message_and_cuts_cells() -> None:
    model = ClassModel()
    for number in range(30):
        feed(model, f"S{number}", *MESSAGE)
    text = to_plain(messages_fragments(model.messages, "en", 60, 10, 5))
    numbers = [line.split()[0] for line in text.splitlines()[2:]]
    assert "5" in numbers and "30" not in numbers
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "…" in text  # the envelope is cut to fit, and says so


def test_a_folded_header_line_is_indented_not_shown_as_an_escape() -> None:
    """RFC 5322 §2.2.3: a folded field goes on after CRLF and a tab; the teacher reads the
    tab as the indentation it is (the raw view keeps it exact)."""
    model = ClassModel()
    feed(model, "S1", *MESSAGE[:4], b"Subject: a long\r\n\tsubject\r\n\r\ncol1\tcol2\r\n.\r\n")
    message = model.messages.messages[0]
    opened = to_plain(message_fragments(message, "en", 100, 40)).splitlines()
    assert "    subject" in opened and "col1    col2" in opened
    assert "\\t" not in "\n".join(opened)
    raw = to_plain(message_fragments(message, "en", 100, 40, raw=True))
    assert "\\tsubject" in raw
