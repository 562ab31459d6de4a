"""``smtp-sim grade``: real student programs (tests/faces/grade_clients/client.py, each
with one mistake), swaks and curl run against the strict server, each item's verdict read
back from the text, JSON, JUnit and Gradescope outputs."""

from __future__ import annotations

import json
import smtplib
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from simulator.cli.command import main
from simulator.lessons.grading import default_rubric

CLIENT = str(Path(__file__).parent / "grade_clients" / "client.py")


def grade(capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["grade", *args])
    out, err = capfd.readouterr()
    return status, out, err


def verdicts(capfd: pytest.CaptureFixture[str], mistake: str = "",
             *options: str) -> tuple[int, dict[str, Any]]:
    status, out, _ = grade(capfd, "--format", "json", *options, "--", sys.executable, CLIENT,
                           *([mistake] if mistake else []))
    document = json.loads(out)
    return status, {item["id"]: item for item in document["items"]} | {"": document}


def verdicts_of(capfd: pytest.CaptureFixture[str], *command: str
                ) -> tuple[int, dict[str, Any]]:
    status, out, _ = grade(capfd, "--format", "json", "--", *command)
    return status, {item["id"]: item for item in json.loads(out)["items"]}


def test_a_good_client_passes_every_item(capfd: pytest.CaptureFixture[str]) -> None:
    status, items = verdicts(capfd)
    assert status == 0
    assert items[""]["total"] == items[""]["max_total"] == 100
    assert {i["verdict"] for k, i in items.items() if k and k != "stops-on-5xx"} == {"passed"}
    assert items["stops-on-5xx"]["verdict"] == "not-applicable"


@pytest.mark.parametrize(("mistake", "item"), [
    ("bare-lf", "crlf"), ("no-brackets", "angle-brackets"), ("no-wait-354", "waits-for-354"),
    ("no-stuffing", "dot-stuffing"), ("no-quit", "quits"), ("early-close", "waits-for-221"),
    ("talk-first", "waits-for-greeting"), ("crash", "message-accepted"),
])
def test_each_mistake_fails_its_item(capfd: pytest.CaptureFixture[str], mistake: str,
                                     item: str) -> None:
    status, items = verdicts(capfd, mistake)
    assert status == 1
    assert items[item]["verdict"] == "failed"
    assert items[item]["points"] == 0
    assert items[item]["explanation"]  # what it sent, what the server said, how to fix


def test_the_text_report_shows_the_line_and_the_fix(capfd: pytest.CaptureFixture[str]) -> None:
    status, out, _ = grade(capfd, "--", sys.executable, CLIENT, "bare-lf")
    assert status == 1
    assert "[FAIL] crlf" in out
    assert " -> EHLO student.example\\n" in out  # the bare LF made visible
    assert "<** 500" in out
    assert "\\r\\n" in out.split("[FAIL] crlf", 1)[1]
    status, out, _ = grade(capfd, "--lang", "zh", "--", sys.executable, CLIENT, "no-quit")
    assert "[未通过] quits" in out and "QUIT" in out


def test_dot_stuffing_failure_names_the_message(capfd: pytest.CaptureFixture[str]) -> None:
    _, items = verdicts(capfd, "no-stuffing")
    assert items["dot-stuffing"]["evidence"]["key"] == "data.accepted"
    assert any("\".\"" in line for line in items["dot-stuffing"]["explanation"])


def test_junit_has_one_testcase_per_item(capfd: pytest.CaptureFixture[str]) -> None:
    status, out, _ = grade(capfd, "--format", "junit", "--", sys.executable, CLIENT,
                           "no-wait-354")
    assert status == 1
    root = ET.fromstring(out)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == "12"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["waits-for-354"].find("failure") is not None
    assert cases["stops-on-5xx"].find("skipped") is not None
    assert cases["crlf"].find("failure") is None


def test_gradescope_results(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    grade(capfd, "--gradescope", str(target), "--", sys.executable, CLIENT, "no-quit")
    results = json.loads(target.read_text())
    assert results["score"] == 90
    tests = {t["name"].split(":")[0]: t for t in results["tests"]}
    assert tests["quits"]["status"] == "failed" and tests["quits"]["score"] == 0
    assert tests["quits"]["max_score"] == 5 and "QUIT" in tests["quits"]["output"]
    assert tests["crlf"]["status"] == "passed" and tests["crlf"]["score"] == 10


def test_a_hanging_program_is_stopped(capfd: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    status, out, err = grade(capfd, "--timeout", "2", "--", sys.executable, CLIENT, "hang")
    assert status == 3
    assert time.monotonic() - started < 20
    assert "2" in err and "[FAIL] message-accepted" in out


def test_a_program_that_cannot_run(capfd: pytest.CaptureFixture[str]) -> None:
    status, _, err = grade(capfd, "--", "/nonexistent/program")
    assert status == 3 and "/nonexistent/program" in err


def test_usage_errors(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = grade(capfd)
    assert status == 2 and "--" in err
    bad = tmp_path / "bad.toml"
    bad.write_text('[[items]]\nid = "crfl"\npoints = 5\n')
    status, _, err = grade(capfd, "--rubric", str(bad), "--", "true")
    assert status == 2 and "bad.toml: items[0].id" in err


def test_refusals_and_custom_items(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rubric = tmp_path / "refuse.toml"
    rubric.write_text('''
en.title = "Refusals"
zh.title = "拒绝"
[setup]
scenario = "realistic"
[message]
from = "alice@example.org"
to = ["nobody@example.com"]
[[items]]
id = "stops-on-5xx"
points = 5
[[items]]
id = "no-spam"
points = 5
not_seen = { key = "data.no-valid-recipients" }
en.title = "Never sends text with no recipient"
en.fix = "Stop after the refusals."
zh.title = "没有收件人时不发送邮件内容"
zh.fix = "被拒绝之后就停下。"
''')
    status, items = verdicts(capfd, "", "--rubric", str(rubric))
    assert status == 1
    assert items["stops-on-5xx"]["verdict"] == "failed"
    assert items["stops-on-5xx"]["evidence"]["sent"] == "DATA\\r\\n"


def test_swaks_and_curl_sending_the_rubrics_message_pass(
        capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    swaks = ('swaks --server "$SMTP_HOST:$SMTP_PORT" --to "$SMTP_TO" --from "$SMTP_FROM" '
             '--pipeline --data "$SMTP_MESSAGE"')
    status, out, _ = grade(capfd, "--", "sh", "-c", swaks)
    assert status == 0, out
    assert "[PASS] waits-for-replies" in out and "[PASS] dot-stuffing" in out
    message = tmp_path / "message.txt"
    curl = (f'printf "%s\\n" "$SMTP_MESSAGE" | sed "s/$/\\r/" > {message}; curl -s '
            f'smtp://$SMTP_HOST:$SMTP_PORT/client.example --mail-from "$SMTP_FROM" '
            f'--mail-rcpt "$SMTP_TO" -T {message}')
    status, out, _ = grade(capfd, "--", "sh", "-c", curl)
    assert status == 0, out


def test_swaks_with_its_own_message_fails_only_dot_stuffing(
        capfd: pytest.CaptureFixture[str]) -> None:
    status, items = verdicts_of(capfd, "swaks", "--server", "{host}:{port}",
                                "--to", "bob@example.com", "--from", "alice@example.org")
    assert status == 1
    assert [k for k, i in items.items() if k and i["verdict"] == "failed"] == ["dot-stuffing"]


def test_wait_for_smtplib(capfd: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def send() -> None:
        for _ in range(100):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                    client.sendmail("alice@example.org", ["bob@example.com"],
                                    "\r\n".join(default_rubric().message.lines) + "\r\n")
                return
            except OSError:
                time.sleep(0.05)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        status, out, _ = grade(capfd, "--wait", "--port", str(port), "--timeout", "30",
                               "--rubric", "basic")
    finally:
        sender.join()
    assert status == 0, out
    assert "[PASS] message-accepted" in out and "[PASS] quits" in out


@pytest.mark.parametrize(("mistake", "verdict", "status"), [
    ("robust", "passed", 0), ("ignore-4xx", "failed", 1), ("retry-at-once", "failed", 1),
    ("retry-then-wait", "failed", 1),
])
def test_the_robust_rubric_wants_temporary_failures_retried_later(
        capfd: pytest.CaptureFixture[str], mistake: str, verdict: str, status: int) -> None:
    got, items = verdicts(capfd, mistake, "--rubric", "robust")
    assert got == status
    assert items["handles-4xx"]["verdict"] == verdict
    keys = [e["key"] for s in items[""]["sessions"] for e in s["transcript"]]
    assert "rcpt.greylisted" in keys and "limits.too-many-recipients" in keys
    if verdict == "failed":
        assert items["handles-4xx"]["evidence"]["key"] == "rcpt.greylisted"


def test_a_retry_before_the_greylisting_delay_fails_even_if_a_later_one_passes(
        capfd: pytest.CaptureFixture[str]) -> None:
    _, items = verdicts(capfd, "retry-then-wait", "--rubric", "robust")
    assert items["message-accepted"]["verdict"] == "passed"  # it did get through at last
    greylisted = [e for s in items[""]["sessions"] for e in s["transcript"]
                  if e["key"] == "rcpt.greylisted"]
    assert len(greylisted) == 2  # the first refusal and the retry that came too soon
    assert items["handles-4xx"]["evidence"]["sent"] == greylisted[1]["sent"]
    assert items["handles-4xx"]["points"] == 0


@pytest.mark.parametrize(("mistake", "verdict", "status"), [
    ("robust", "passed", 0), ("gives-up-421", "failed", 1), ("ignore-4xx", "not-applicable", 1),
])
def test_the_robust_rubric_closes_a_session_with_421_midway(
        capfd: pytest.CaptureFixture[str], mistake: str, verdict: str, status: int) -> None:
    got, items = verdicts(capfd, mistake, "--rubric", "robust")
    assert got == status
    assert items["handles-421"]["verdict"] == verdict
    sessions = items[""]["sessions"]
    if verdict == "not-applicable":
        assert items["handles-421"]["points"] == items["handles-421"]["max_points"]
        return
    closed = [e for e in sessions[0]["transcript"] if e["key"] == "rule.close-midway"]
    assert closed and closed[0]["sent"].startswith("MAIL FROM:")
    if verdict == "passed":
        assert len(sessions) >= 2 and items["quits"]["verdict"] == "passed"
    else:
        assert len(sessions) == 1 and items["handles-421"]["evidence"]["key"] == "rule.close-midway"
        assert items["handles-421"]["points"] == 0
