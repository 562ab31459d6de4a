"""Lessons 19 (mx-lookup) and 20 (submission-ports) played as a learner plays them, piped into
``smtp-sim learn`` (the console's road: :dig, :connect, real TLS): what the learner sees, the
ticks, and the exit status, for a correct route and for the wrong ones the lessons rule out."""

from __future__ import annotations

from pathlib import Path

from tests.faces.learn.test_piped import learn
from tests.wording import incomplete, lesson, opening, reaction, says, tick

BEST = [":dig MX campus.example", ":connect mx1.campus.example", "EHLO client.example",
        "MAIL FROM:<alice@example.org>", "RCPT TO:<info@nomail.example>",
        "RCPT TO:<bob@campus.example>", "DATA", "Subject: Hi", "", "Hello.", "."]
LOGIN = "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"
MESSAGE = ["MAIL FROM:<student@example.org>", "RCPT TO:<bob@example.com>", "DATA",
           "Subject: Hi", "", "Hello.", "."]


def script(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_mx_lookup_delivered_to_the_best_mx_completes(home: Path) -> None:
    result = learn("mx-lookup", stdin=script(*BEST), home=home)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert "campus.example.  3600  IN  MX  20 mx2.campus.example" in out  # :dig, out of order
    assert "<-  220 mx1.campus.example ESMTP" in out
    assert out.index("<** 556 5.1.10") < out.index(tick(2)) < out.index(tick(1))
    assert opening("learn.complete", number=lesson("mx-lookup").place) in out


def test_mx_lookup_a_backup_mx_accepts_but_does_not_tick(home: Path) -> None:
    lines = [line.replace("mx1.", "mx2.") for line in BEST] + [":hint"]
    result = learn("mx-lookup", stdin=script(*lines), home=home)
    assert result.returncode == 1
    out = result.stdout
    assert "<-  250 2.0.0 OK: message accepted" in out and tick(1) not in out
    # the :hint reacts to the 250 that did not count
    assert reaction(lesson("mx-lookup"), 1, "data.accepted") in out
    assert out.rstrip().endswith(incomplete(lesson("mx-lookup"), 1))


def test_mx_lookup_the_wrong_host_is_refused_as_relaying_in_chinese(home: Path) -> None:
    lines = [":connect campus.example", "EHLO client.example", "MAIL FROM:<alice@example.org>",
             "RCPT TO:<bob@campus.example>", ":hint"]
    result = learn("mx-lookup", "--lang", "zh", stdin=script(*lines), home=home)
    assert result.returncode == 1
    out = result.stdout
    assert says(out, "console.connect-no-address", "zh", host="campus.example")
    assert "<** 554 5.7.1 <bob@campus.example>: Relay access denied" in out
    # the hint reacts to the relay refusal
    assert reaction(lesson("mx-lookup"), 1, "rcpt.relay-denied", "zh") in out


def test_submission_ports_all_three_doors_complete(home: Path) -> None:
    lines = [":connect smtp.example.org:25", "EHLO client.example", *MESSAGE[:2],
             ":connect smtp.example.org:587", "EHLO client.example", MESSAGE[0], "STARTTLS",
             "EHLO client.example", LOGIN, *MESSAGE,
             ":connect smtp.example.org:465", "EHLO client.example", LOGIN, *MESSAGE]
    result = learn("submission-ports", "--lang", "zh", stdin=script(*lines), home=home)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    ticks = [out.index(tick(step, "zh")) for step in range(1, 5)]
    assert ticks == sorted(ticks)  # in the order the doors were tried
    assert out.index("<** 554 5.7.1") < ticks[0] < out.index("<** 530 5.7.0") < ticks[1]
    assert "by smtp.example.org" not in out  # the checks read the Received: line, not shown


def test_submission_ports_starttls_on_25_is_no_submission(home: Path) -> None:
    lines = [":connect smtp.example.org:25", "EHLO client.example", "STARTTLS",
             "EHLO client.example", *MESSAGE[:2], ":connect smtp.example.org:2525",
             ":connect smtp.example.org:587", "EHLO client.example", MESSAGE[0]]
    result = learn("submission-ports", stdin=script(*lines), home=home)
    assert result.returncode == 1
    out = result.stdout
    assert says(out, "console.connect-bad-port", port=2525, host="smtp.example.org")
    assert tick(1) in out and tick(2) in out
    assert incomplete(lesson("submission-ports"), 3, 4) in out


def test_submission_ports_the_530_of_465_is_not_the_one_of_587(home: Path) -> None:
    """On 465 TLS is on from the start, so its 530 asks only for AUTH: step 2 wants 587's."""
    lines = [":connect smtp.example.org:465", "EHLO client.example", MESSAGE[0], ":goal"]
    result = learn("submission-ports", stdin=script(*lines), home=home)
    assert result.returncode == 1
    assert "<** 530 5.7.0 Authentication required" in result.stdout
    assert tick(2) not in result.stdout
