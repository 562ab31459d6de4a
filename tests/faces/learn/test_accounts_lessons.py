"""Lessons 21 (app-password), 22 (sender-mismatch) and 24 (encoded-words) on the learner's
road: ``smtp-sim learn ID`` with a script piped in, as a learner would run it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests import ROOT
from tests.wording import lesson, opening, says, shows, tick, written

COURSE = ROOT / "lessons" / "course"


def learn(lesson: str, lines: list[str], *, home: Path,
          lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SMTP_SIM_HOME=str(home), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "simulator", "learn", lesson, "--lang", lang],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False, timeout=60)


def solution(name: str) -> list[str]:
    return list(tomllib.loads((COURSE / name).read_text("utf-8"))["solution"])


def test_app_password_shows_both_providers_refusals_then_logs_in(home: Path) -> None:
    result = learn("app-password", solution("21-app-password.toml"), home=home)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert ("<** 535 5.7.8 Login refused: this account sends mail with its authorization code, "
            "not its web password") in out
    assert shows(out, written("keys", "auth.authorization-code-required", "why"))  # Why:
    assert out.index(tick(1)) < out.index("<** 534 5.7.9") < out.index(tick(2))
    assert out.index("<-  235 2.7.0") < out.index(tick(3)) < out.index(tick(4))
    assert opening("learn.complete", number=lesson("app-password").place) in out


def test_app_password_a_wrong_password_is_not_the_providers_refusal(home: Path) -> None:
    lines = ["EHLO client.example", "STARTTLS", "EHLO client.example",
             "AUTH PLAIN AHFxAHdyb25n", "AUTH PLAIN AGdtYWlsAHdlYjEyMw=="]
    result = learn("app-password", lines, home=home, lang="zh")
    assert result.returncode == 1
    assert "<** 535 5.7.8 Authentication credentials invalid" in result.stdout
    assert tick(2, "zh") in result.stdout and tick(1, "zh") not in result.stdout


def test_sender_mismatch_refuses_another_users_address_then_sends_as_oneself(
        home: Path) -> None:
    result = learn("sender-mismatch", solution("22-sender-mismatch.toml"), home=home)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    refused = ("<** 553 5.7.1 <teacher@example.com>: Sender address rejected: not owned by the "
               "user logged in")
    assert out.index(tick(1)) < out.index(refused) < out.index(tick(2))
    assert "reject_sender_login_mismatch" in out  # the explanation under the 553
    assert out.index("<-  250 2.1.0 Sender <student@example.com> OK") < out.index(
        tick(3)) < out.index(opening("learn.complete", number=lesson("sender-mismatch").place))


def test_sender_mismatch_before_login_is_the_other_refusal(home: Path) -> None:
    lines = ["EHLO client.example", "MAIL FROM:<teacher@example.com>"]
    result = learn("sender-mismatch", lines, home=home, lang="zh")
    assert result.returncode == 1
    assert "<** 553 5.7.1 <teacher@example.com>: Sender address rejected: not logged in" in (
        result.stdout)
    fix = written("keys", "mail.sender-needs-login", "fix", lang="zh")
    assert shows(result.stdout, fix)  # the zh explanation's fix


def test_encoded_words_raw_then_encoded_then_the_two_forms_of_a_domain(home: Path) -> None:
    result = learn("encoded-words", solution("24-encoded-words.toml"), home=home)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert out.index(" -> Subject: 你好") < out.index(tick(1)) < out.index(
        " -> Subject: =?UTF-8?B?5L2g5aW9?=") < out.index(tick(2))
    assert says(out, "explain.undeclared-8bit-header")  # the receiver's note
    assert out.index("<** 550 5.6.7") < out.index(tick(3)) < out.index(
        "<-  250 2.1.0 Sender <alice@xn--fsqu00a.xn--fiqs8s> OK") < out.index(tick(4))


def test_encoded_words_an_encoded_word_of_ascii_text_does_not_count(home: Path) -> None:
    lines = ["EHLO client.example", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>",
             "DATA", "Subject: 你好", "", "x", ".", "MAIL FROM:<alice@example.org>",
             "RCPT TO:<bob@example.net>", "DATA", "Subject: =?UTF-8?B?aGVsbG8=?=", "", "x", "."]
    result = learn("encoded-words", lines, home=home)
    assert result.returncode == 1
    assert tick(1) in result.stdout and tick(2) not in result.stdout
