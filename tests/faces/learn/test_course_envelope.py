"""Lessons 23 and 25-28 of the shipped course (required headers, envelope and header,
pipelining, SPF, DKIM and DMARC) played on the learner's road: what the screen shows (the
replies in order, the explanation, the ticks) for a right and a wrong route, in both languages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.faces.learn.piped import run_piped
from simulator.faces.learn.progress import ProgressStore
from simulator.faces.shell.course import replay
from simulator.lessons.course import default_course_root, load_course, missing_goals
from tests import ROOT, wording
from tests.wording import lesson, opening, shows, tick, written

COURSE = load_course(default_course_root())
OURS = ("required-headers", "envelope-vs-header", "pipelining", "spf", "dkim-and-dmarc")


def screen(lesson_id: str, lines: list[str] | tuple[str, ...], lang: str = "en") -> str:
    """What a learner reads for ``lines`` piped in: every reply, explanation, tick and hint."""
    out = io.StringIO()
    data = "".join(line + "\n" for line in lines).encode()
    store = ProgressStore()
    store.load()
    run_piped(COURSE, lesson(lesson_id), lang=lang, store=store, out=out, data=data)
    return out.getvalue()


def completes(lesson_id: str, lines: list[str] | tuple[str, ...]) -> bool:
    return missing_goals(lesson(lesson_id), replay(lesson(lesson_id), lines).progress) == ()


@pytest.mark.parametrize("lesson_id", OURS)
def test_every_solution_completes_and_every_wrong_attempt_does_not(lesson_id: str) -> None:
    found = lesson(lesson_id)
    assert found.available and len(found.solutions) >= 3 and len(found.wrong) >= 2
    assert all(completes(lesson_id, attempt.lines) for attempt in found.solutions)
    assert not any(completes(lesson_id, attempt.lines) for attempt in found.wrong)


SEND = ("MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>", "DATA")


def test_required_headers_the_rule_then_the_policy_then_250() -> None:
    out = screen("required-headers", lesson("required-headers").solution.lines)
    missing = out.index("550 5.7.1 Message is not RFC 5322 compliant: the From: header field "
                        "is missing")
    assert shows(out[missing:], written("keys", "data.header-missing", "why"))  # the key's why
    policy = out.index("550 5.7.1 Messages without a Message-ID: header field are not accepted")
    assert shows(out[policy:], written("keys", "data.message-id-missing", "why"))
    assert missing < out.index(tick(1)) < policy < out.index(tick(2))
    assert out.index(tick(2)) < out.index("250 2.0.0 OK") < out.index(tick(3))


def test_required_headers_a_from_in_the_body_is_no_header_field_in_chinese() -> None:
    lines = ["EHLO client.example", *SEND, "Subject: x", "", "From: alice@example.org", "."]
    out = screen("required-headers", lines, lang="zh")
    assert "550 5.7.1 Message is not RFC 5322 compliant: the From: header field is missing" in out
    assert shows(out, written("keys", "data.header-missing", "why", lang="zh"))
    assert tick(1, "zh") in out and tick(2, "zh") not in out


def test_envelope_vs_header_the_envelope_decides_and_the_mailbox_shows_it() -> None:
    lines = [*lesson("envelope-vs-header").solution.lines, ":mailbox"]
    out = screen("envelope-vs-header", lines)
    assert tick(1) in out and tick(2) in out
    assert "<alice@example.org> -> <bob@example.net>, <carol@example.net>" in out
    listing = out[out.rindex(":mailbox"):]
    assert "dave@example.net" not in listing  # named in To:, never a recipient


def test_envelope_vs_header_a_to_line_for_every_recipient_ticks_nothing() -> None:
    lines = ["EHLO client.example", "MAIL FROM:<a@example.org>", "RCPT TO:<b@example.net>",
             "RCPT TO:<c@example.net>", "DATA", "To: b@example.net", "Cc: c@example.net", "",
             "x", "."]
    out = screen("envelope-vs-header", lines)
    assert "250 2.0.0 OK" in out and tick(1) not in out and tick(2) not in out


def test_pipelining_the_replies_come_back_in_order_and_the_message_reaches_two() -> None:
    out = screen("pipelining", lesson("pipelining").solution.lines, lang="zh")
    order = ["250 2.1.0 Sender <carol@example.org> OK", "250 2.1.5 Recipient <alice@example.com>",
             "550 5.1.1 <nobody@example.com>", "250 2.1.5 Recipient <bob@example.com>",
             "354 End data", "✓ 第 1 步完成", "✓ 第 2 步完成",  # DATA ended the group
             "250 2.0.0 OK", "✓ 第 3 步完成"]
    places = [out.index(text) for text in order]
    assert places == sorted(places)


def test_pipelining_every_recipient_refused_gets_554_and_the_hint_fits() -> None:
    lines = ["EHLO client.example", ":pipeline", "MAIL FROM:<carol@example.org>",
             "RCPT TO:<nobody@example.com>", "DATA", ":end"]
    out = screen("pipelining", [*lines, ":hint"])
    assert "554 5.5.1 Error: no valid recipients" in out
    assert "Every RCPT TO in that group was refused" in out  # the step's react hint
    assert not completes("pipelining", lines)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pipelining_needs_the_commands_in_one_write_not_one_by_one(lang: str) -> None:
    """The same commands typed one at a time get the same replies, but the client waited for
    each: that is no pipelining (RFC 2920), and the tutor says so instead of ticking."""
    lines = ["EHLO client.example", "MAIL FROM:<carol@example.org>", "RCPT TO:<alice@example.com>",
             "RCPT TO:<nobody@example.com>", "RCPT TO:<bob@example.com>", "DATA", "Subject: x",
             "", "x", "."]
    out = screen("pipelining", lines, lang=lang)
    assert "550 5.1.1 <nobody@example.com>" in out
    said = {"en": "That 550 answered a command you sent on its own",
            "zh": "这个 550 回复的是你单独发出的命令"}[lang]
    assert said in out and not completes("pipelining", lines)


def test_spf_fail_at_rcpt_then_pass_from_a_listed_domain() -> None:
    out = screen("spf", [*lesson("spf").solution.lines, ":mailbox 1"])
    refusal = out.index("550 5.7.23 <alice@example.com>: Recipient address rejected: SPF fail: "
                        "bank.example does not authorise 192.0.2.1")
    assert refusal < out.index(tick(1)) < out.index(tick(2))
    assert "spf=pass smtp.mailfrom=example.org" in out


def test_spf_softfail_is_accepted_but_is_no_pass_and_the_hint_says_so() -> None:
    lines = ["EHLO client.example", "MAIL FROM:<alerts@bank.example>", "RCPT TO:<alice@example.com>",
             "RSET", "MAIL FROM:<bob@example.com>", "RCPT TO:<alice@example.com>", "DATA",
             "Subject: x", "", "x", ".", ":hint"]
    out = screen("spf", lines)
    assert tick(1) in out and tick(2) not in out
    assert wording.reaction(lesson("spf"), 2, "data.accepted") in out


def test_dkim_and_dmarc_signed_tampered_then_aligned_by_spf() -> None:
    out = screen("dkim-and-dmarc", lesson("dkim-and-dmarc").solution.lines)
    assert out.count("DKIM-Signature:") >= 2  # the signed lines, as sent
    signed = out.index(tick(1))
    refused = out.index("550 5.7.26 Unauthenticated mail with From: example.org is refused")
    assert signed < refused < out.index(tick(2)) < out.index(tick(3))
    reading = out[out.index(":mailbox 1"):]  # Authentication-Results, read by the learner
    assert "dkim=pass header.d=example.org header.s=s1" in reading
    assert "spf=softfail smtp.mailfrom=example.com" in reading


def test_dkim_and_dmarc_an_unsigned_message_is_refused_and_the_hint_says_sign() -> None:
    lines = ["EHLO client.example", "MAIL FROM:<news@example.com>", "RCPT TO:<bob@example.net>",
             "DATA", "From: alice@example.org", "", "x", ".", ":hint"]
    out = screen("dkim-and-dmarc", lines, lang="zh")
    said = wording.reaction(lesson("dkim-and-dmarc"), 1, "data.dmarc-reject", "zh")
    assert "550 5.7.26" in out and said in out
    assert tick(1, "zh") not in out


def learn(*args: str, stdin: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SMTP_SIM_HOME=str(home), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "simulator", "learn", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False,
                          timeout=60)


def test_piped_dkim_lesson_exits_0_and_a_wrong_script_exits_1(tmp_path: Path) -> None:
    right = "\n".join(lesson("dkim-and-dmarc").solution.lines) + "\n"
    done = learn(str(lesson("dkim-and-dmarc").place), "--lang", "zh", stdin=right, home=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:]
    assert wording.finished(lesson("dkim-and-dmarc"), "zh") in done.stdout
    wrong = "\n".join(lesson("dkim-and-dmarc").wrong[1].lines) + "\n"
    failed = learn("dkim-and-dmarc", stdin=wrong, home=tmp_path)
    assert failed.returncode == 1
    assert opening("learn.incomplete", number=lesson("dkim-and-dmarc").place, steps="3.") in failed.stdout
