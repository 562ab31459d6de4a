"""Lessons 20, 24 and 26 judged on what each step teaches, not on a broader class of replies:
the relay refusal of smtp.example.org's port 25 (not any server's 554), a domain in U-label
form (not any address beyond ASCII), message text sent only after DATA's 354 (RFC 2920
§3.1); and the one sentence a learner gets when a reply nearly counts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from simulator.faces.learn.piped import run_piped
from simulator.faces.learn.progress import ProgressStore
from simulator.lessons.course import default_course_root, load_course
from tests.wording import lesson as find
from tests.wording import met

COURSE = load_course(default_course_root())
PLAIN = "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"
RELAY = ["EHLO client.example", "MAIL FROM:<student@example.org>", "RCPT TO:<bob@example.com>"]
SEND = ["MAIL FROM:<student@example.org>", "RCPT TO:<bob@example.com>", "DATA", "Subject: A",
        "", "Hello.", "."]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Progress (the piped runs save it) goes to a data directory of the test's own."""
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def piped(lesson_id: str, lines: list[str], lang: str = "en") -> str:
    store = ProgressStore()
    store.load()
    out = io.StringIO()
    run_piped(COURSE, find(lesson_id), lang=lang, store=store, out=out,
              data="".join(f"{line}\n" for line in lines).encode())
    return out.getvalue()


# -- lesson 20: the relay refusal of smtp.example.org's port 25 ---------------------------

@pytest.mark.parametrize(("lines", "counts"), [
    ([":connect smtp.example.org:25", *RELAY], True),
    ([":connect SMTP.Example.ORG", "ehlo client.example", "mail from:<x@example.org>",
      "rcpt to:<pal@far-away.example>"], True),  # port 25 by default; any foreign recipient
    ([*RELAY[:2], "RCPT TO:<pal@far-away.example>"], False),  # the console's own server
    ([":connect mx1.campus.example", *RELAY], False),  # another MX on port 25
])
def test_only_smtp_example_orgs_port_25_refusing_the_relay_counts(
        lines: list[str], counts: bool) -> None:
    assert ("relay-on-25" in met("submission-ports", lines)) is counts


def test_a_relay_refusal_from_another_server_is_said_to_be_from_that_server() -> None:
    shown = piped("submission-ports", [*RELAY[:2], "RCPT TO:<pal@far-away.example>"])
    assert "✓ Step 1" not in shown
    assert ("That 554 came from smtp-sim.localhost, not from smtp.example.org, the server "
            "step 1 is about.") in shown
    chinese = piped("submission-ports", [*RELAY[:2], "RCPT TO:<pal@far-away.example>"], "zh")
    assert "这个 554 来自 smtp-sim.localhost，而第 1 步说的是 smtp.example.org" in chinese


@pytest.mark.parametrize(("host", "counts"), [("smtp.example.org", True),
                                               ("mx1.campus.example", False)])
def test_the_submission_steps_are_smtp_example_orgs_doors(host: str, counts: bool) -> None:
    lines = [f":connect {host}:587", "EHLO client.example", "MAIL FROM:<student@example.org>",
             "STARTTLS", "EHLO client.example", PLAIN, *SEND,
             f":connect {host}:465", "EHLO client.example", PLAIN, *SEND]
    done = set(met("submission-ports", lines))
    assert (done == {"gate-on-587", "sent-on-587", "sent-on-465"}) is counts
    assert bool(done) is counts


# -- lesson 24: a domain in U-label form, an A-label that is one ---------------------------

U_LABEL = ["EHLO client.example"]
SUBJECTS = ["EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
            "DATA", "Subject: 你好", "", "raw", ".", "MAIL FROM:<alice@example.org>",
            "RCPT TO:<bob@example.net>", "DATA", "Subject: =?UTF-8?B?5L2g5aW9?=", "", "x", "."]
"""Steps 1 and 2 of lesson 24: the U-label step is the one the learner is on."""


@pytest.mark.parametrize(("line", "counts"), [
    ("MAIL FROM:<alice@例子.中国>", True),
    ("MAIL FROM:<alice@bücher.example>", True),  # any internationalized domain
    ("MAIL FROM:<张三@example.org>", False),  # a local part beyond ASCII, an ASCII domain
    ("MAIL FROM:<müller@example.org>", False),
])
def test_the_u_label_step_needs_an_internationalized_domain(line: str, counts: bool) -> None:
    assert ("u-label" in met("encoded-words", [*U_LABEL, line])) is counts


def test_a_chinese_local_part_is_said_not_to_be_a_u_label() -> None:
    shown = piped("encoded-words", [*SUBJECTS, "MAIL FROM:<张三@example.org>"])
    assert "✓ Step 3" not in shown
    assert "That 550 was for 张三@example.org, not an address whose domain is written " \
           "in Unicode (a U-label, such as 例子.中国)." in shown
    chinese = piped("encoded-words", [*SUBJECTS, "MAIL FROM:<张三@example.org>"], "zh")
    assert "这个 550 针对的是 张三@example.org" in chinese
    assert "要的是：域名用 Unicode 书写的地址（U-label，例如“例子.中国”）" in chinese


@pytest.mark.parametrize(("domain", "counts"), [
    ("xn--fsqu00a.xn--fiqs8s", True),
    ("XN--FSQU00A.XN--FIQS8S", True),
    ("xn--zzzzzz.example", False),  # no Punycode (RFC 3492) decodes it: no A-label
    ("xn--abc.example", False),
])
def test_the_a_label_step_needs_a_real_a_label(domain: str, counts: bool) -> None:
    lines = [*U_LABEL, "MAIL FROM:<alice@例子.中国>", f"MAIL FROM:<alice@{domain}>"]
    assert ("a-label" in met("encoded-words", lines)) is counts


# -- lesson 26: the message text only after DATA's 354 --------------------------------------

GROUP = [":pipeline", "MAIL FROM:<carol@example.org>", "RCPT TO:<alice@example.com>",
         "RCPT TO:<nobody@example.com>", "RCPT TO:<bob@example.com>", "DATA"]
TEXT = ["Subject: x", "", "x", "."]


@pytest.mark.parametrize("lines", [
    [*GROUP, *TEXT, ":end"],  # the whole message in the group
    [*GROUP, "Subject: x", ":end", "", "x", "."],  # its first line in the group
])
def test_message_text_sent_in_the_group_with_data_does_not_count(lines: list[str]) -> None:
    assert met("pipelining", ["EHLO client.example", *lines]) == ()  # step 1 undone too


def test_text_in_the_group_is_said_to_break_rfc_2920() -> None:
    shown = piped("pipelining", ["EHLO client.example", *GROUP, *TEXT, ":end"])
    assert "RFC 2920 §3.1" in shown and "wait for its 354" in shown
    chinese = piped("pipelining", ["EHLO client.example", *GROUP, *TEXT, ":end"], "zh")
    assert "RFC 2920 §3.1" in chinese and "等到 354" in chinese


def test_after_text_sent_too_soon_a_group_done_right_completes_the_lesson() -> None:
    lines = ["EHLO client.example", *GROUP, *TEXT, ":end", *GROUP, ":end", *TEXT]
    assert set(met("pipelining", lines)) == {goal.id for goal in find("pipelining").goals}


def test_a_transaction_whose_text_came_before_354_completes_none_of_its_steps() -> None:
    """The group with the text inside ticked step 1; the same commands then typed one by one
    completed the lesson without any pipelining that counted."""
    one_by_one = GROUP[1:] + TEXT
    done = met("pipelining", ["EHLO client.example", *GROUP, *TEXT, ":end", *one_by_one])
    assert done == ()
    shown = piped("pipelining", ["EHLO client.example", *GROUP, *TEXT, ":end"])
    assert "✓ Step 1 done" in shown and "that message's text went out before DATA's 354" in shown
