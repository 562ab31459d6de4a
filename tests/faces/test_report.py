"""``smtp-sim report``: the gradebook from a real serve --log, and the logs that are not
whole (cut mid-line, not a file, missing)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import smtplib
import socket
from pathlib import Path

import pytest

from simulator.cli.command import main
from tests.smtp_client import GUARD, serve_process


def class_of_three(port: int) -> None:
    """ann sends a mail, bob hangs up inside DATA after a typo, ann comes back."""
    for _ in range(2):
        with smtplib.SMTP("127.0.0.1", port, local_hostname="ann.example", timeout=GUARD) as c:
            c.sendmail("ann@example.org", ["x@example.net"], b"Subject: hi\r\n\r\nhello\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
        sock.recv(512)
        sock.sendall(b"EHLO bob.example\r\nMAIL FROM: <b@example.org>\r\n"
                     b"MAIL FROM:<b@example.org>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n")
        data = b""
        while b"354 " not in data:
            data += sock.recv(4096)
        sock.sendall(b"Subject: cut short\r\n")


@pytest.fixture(scope="module")
def class_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log = tmp_path_factory.mktemp("class") / "class.jsonl"
    with serve_process("--log", str(log)) as (proc, port):
        class_of_three(port)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=GUARD)
    return log


def test_the_gradebook_of_a_real_class(class_log: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(class_log), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.split("\n\n")[0])))
    by_name = {row["student"]: row for row in rows}
    assert set(by_name) == {"ann.example", "bob.example"}
    ann, bob = by_name["ann.example"], by_name["bob.example"]
    assert (ann["sessions"], ann["accepted"], ann["errors"], ann["discarded"]) == ("2", "2", "0", "0")
    assert (bob["accepted"], bob["discarded"], bob["errors"]) == ("0", "1", "1")
    assert bob["most frequent mistake"] == "space around the colon ×1"


def test_a_log_cut_mid_line_still_gives_the_report(class_log: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut.jsonl"
    data = class_log.read_bytes()
    cut.write_bytes(data[:-40] + b"\n\x00\xff{not json\n")
    assert main(["report", str(cut), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["lines_skipped"] == 2
    assert {s["student"] for s in document["students"]} == {"ann.example", "bob.example"}


def test_standard_input_is_read_with_a_dash(class_log: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with class_log.open("rb") as handle:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(handle))
        assert main(["report", "-", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "2 名学生，3 个会话" in out
    assert "bob.example" in out


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo"])
def test_what_is_no_log_is_said_and_exits_2(kind: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "class.jsonl"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # nobody writes to it: must not wait for ever
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
