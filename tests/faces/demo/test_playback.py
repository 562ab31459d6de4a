"""``smtp-sim demo`` played unattended (standard input not a terminal), as CI and
recordings play it: what the audience would see, the exit status, the asciicast file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.client.demos import builtin_demo
from simulator.lessons.classroom import say
from tests.replies_reader import wire
from tests.wording import says


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The certificate starttls-auth makes goes here, not into the user's data directory."""
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


EXPECTED = {
    # demo -> reply lines its playback must show (the engine's own replies)
    "first-mail": ["250 2.0.0 OK: message accepted as S1-1",
                   "221 2.0.0 smtp-sim.localhost closing connection, goodbye"],
    "221-vs-500": ['500 5.5.2 Syntax error: command "QUT" not recognized', "250 2.0.0 OK",
                   "221 2.0.0 smtp-sim.localhost closing connection, goodbye"],
    "smuggling": ["550 5.5.2 Message rejected: it contains a bare LF; end every line with CRLF"],
    "bounces": ["550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in local recipient table",
                "452 4.2.2 <full@example.net>: Mailbox full, try again later",
                "451 4.7.1 <greylist@example.net>: Greylisted, please try again in 60 s",
                "554 5.7.1 <someone@elsewhere.test>: Relay access denied"],
    "starttls-auth": ["538 5.7.11 Encryption required for requested authentication mechanism; send STARTTLS first",
                      "220 2.0.0 Ready to start TLS", "250-AUTH PLAIN LOGIN",
                      "235 2.7.0 Authentication successful"],
    "pipelining": ["501 5.5.4 Syntax error: no space is allowed around the colon; write RCPT TO:<address>",
                   "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 OK: message accepted as S1-1"],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_builtin_demo_plays_to_the_end_with_its_narration(
        name: str, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", name, "--lang", lang]) == 0
    out = capsys.readouterr().out
    demo = builtin_demo(name)
    assert demo is not None
    script = demo.script(lang)
    assert out.startswith(script.title(lang) + "\n")
    assert "AHN0dWRlbnQAc2VjcmV0" not in out  # the password stays off the projector
    for number, step in enumerate(script.steps, start=1):
        assert say(lang, "demo", "step", n=number, total=len(script.steps)) in out
        for line in step.caption.split("\n") if step.caption else []:
            assert f"# {line}\n" in out
    for reply in EXPECTED[name]:
        marker = "<-  " if reply[0] in "123" else "<** "  # errors stand out (swaks' marks)
        assert f"{marker}{reply}\n" in out, reply
    assert "\x1b" not in out  # not a terminal: plain


def test_the_smuggled_dot_shows_its_bare_lf(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "smuggling"]) == 0
    out = capsys.readouterr().out
    assert " -> .\\n\n -> MAIL FROM:<ceo@example.org>\\n\n" in out
    assert "<-  250 2.1.0 Sender <ceo@example.org>" not in out  # never a command


def test_a_line_left_unsent_makes_the_exit_status_1(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "early.run"
    script.write_text("EHLO a.example\nQUIT\nNOOP\nNOOP\n")
    assert main(["demo", str(script)]) == 1
    out = capsys.readouterr().out
    assert say("en", "demo", "unsent", count=1) in out
    assert out.count(say("en", "demo", "unsent", count=1)) == 2  # one per step cut short


def test_an_unknown_demo_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "no-such-demo", "--lang", "zh"]) == 2
    assert say("zh", "demo", "not-found", name="no-such-demo") in capsys.readouterr().err


def test_demo_list_names_the_playable_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "list", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    for name in ("first-mail", "221-vs-500", "smuggling", "pipelining", "bounces",
                 "starttls-auth"):
        assert f"  {name} " in out
    assert "第一封邮件" in out


def test_record_writes_a_valid_asciicast_v2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    monkeypatch.setenv("LINES", "25")
    cast = tmp_path / "first.cast"
    assert main(["demo", "first-mail", "--record", str(cast), "--typing-speed", "10",
                 "--pace", "0"]) == 0
    lines = cast.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2 and (header["width"], header["height"]) == (90, 25)
    assert header["title"] == "Your first mail, by hand"
    assert header["idle_time_limit"] == 3.0  # a long pause plays back short
    every = [json.loads(line) for line in lines[1:]]
    times = [event[0] for event in every]
    assert times == sorted(times) and times[-1] > 5  # typed at 10 chars/s, 2 s between steps
    events = [event for event in every if event[1] == "o"]
    markers = [event[2] for event in every if event[1] == "m"]
    assert all(isinstance(text, str) for _, _, text in events)
    demo = builtin_demo("first-mail")
    assert demo is not None
    steps = demo.script("en").steps
    assert len(markers) == len(steps)  # one marker per step, for the player's navigation
    first = "1. " + steps[0].caption.strip().splitlines()[0]
    assert markers[0] == (first if len(first) <= 72 else first[:71] + "…")
    assert [label.split(".")[0] for label in markers] == [str(n) for n in range(1, len(steps) + 1)]
    text = "".join(event[2] for event in events)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert wire("data.accepted", queue_id="S1-1").decode().strip() in text
    visible = [re.sub(r"\x1b\[[0-9;]*m", "", event[2]) for event in events]
    typed = "".join(char for char in visible if len(char) == 1)
    assert typed.startswith("EHLO client.example")  # typed out one character per event
    assert "Recording written to" in capsys.readouterr().err


def test_a_demo_plays_against_another_server_with_connect(
        capsys: pytest.CaptureFixture[str]) -> None:
    from tests.smtp_client import serve_process

    with serve_process() as (proc, port):
        assert main(["demo", "221-vs-500", "--connect", f"127.0.0.1:{port}"]) == 0
        proc.terminate()
        proc.communicate()
    out = capsys.readouterr().out
    assert '<** 500 5.5.2 Syntax error: command "QUT" not recognized' in out
    assert out.count("<-  220 smtp-sim.localhost ESMTP") == 2  # :reconnect made a new session


def test_the_command_line_scenario_applies_to_any_script(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "relay.run"
    script.write_text("EHLO client.example\nMAIL FROM:<a@example.org>\nRCPT TO:<x@elsewhere.test>\n")
    assert main(["demo", str(script), "--scenario", "realistic"]) == 0
    out = capsys.readouterr().out
    assert "scenario realistic" in out and "<** 554 5.7.1 <x@elsewhere.test>: Relay access denied" in out


def test_a_pipelined_auth_never_reaches_the_recording(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The projector's cast and the printed playback mask each answer of a pipelined AUTH
    (LOGIN with its two answers, PLAIN with its base64), typed out or replied to."""
    script = tmp_path / "auth.run"
    script.write_text("EHLO client.example\n:pipeline\nAUTH LOGIN\nYWxpY2U=\n"
                      "aHVudGVyMnBhc3M=\n:end\n:reconnect\nEHLO client.example\n:pipeline\n"
                      "AUTH PLAIN\nAGFsaWNlAGh1bnRlcjJwYXNz\n:end\nQUIT\n", encoding="utf-8")
    cast = tmp_path / "auth.cast"
    assert main(["demo", str(script), "--auth", "--user", "alice:hunter2pass", "--record",
                 str(cast), "--typing-speed", "1000", "--pace", "0"]) == 0
    printed = capsys.readouterr().out
    events = [json.loads(line) for line in cast.read_text(encoding="utf-8").splitlines()[1:]]
    recorded = "".join(event[2] for event in events)
    assert "235 2.7.0" in printed and "235 2.7.0" in recorded
    assert printed.count(" -> ****") == 3
    for secret in ("YWxpY2U", "aHVudGVyMnBhc3M", "AGFsaWNlAGh1bnRlcjJwYXNz"):
        assert secret not in printed and secret not in recorded


def test_a_recording_to_a_fifo_nobody_reads_is_refused_not_waited_on(tmp_path: Path) -> None:
    """``--record`` opened plainly waited for a reader for ever (held-out attack on issue 18)."""
    pipe = tmp_path / "demo.cast"
    os.mkfifo(pipe)
    done = subprocess.run([sys.executable, "-m", "simulator", "demo", "first-mail", "--pace",
                           "0", "--record", str(pipe)], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done
    assert says(done.stderr, "files.no-reader", path=pipe)


def test_a_recording_that_cannot_be_written_does_not_blame_the_server(tmp_path: Path) -> None:
    """A --record path in a missing folder was said as "Could not connect to the built-in
    server: No such file or directory"."""
    cast = tmp_path / "missing-folder" / "demo.cast"
    done = subprocess.run([sys.executable, "-m", "simulator", "--lang", "zh", "demo",
                           "first-mail", "--pace", "0", "--record", str(cast)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done
    assert "服务器" not in done.stderr and f"{cast}" in done.stderr, done.stderr
