"""``smtp-sim run``: a file of command lines in, the explained transcript out."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.client.script import split_lines
from simulator.faces.run import run_file
from simulator.lessons.entries import labels
from simulator.lessons.scenario_view import text as scenario_text
from simulator.lessons.ui import text as ui_text
from simulator.options.records import RunOptions, ScenarioOptions, SessionOptions
from simulator.protocol import Exchange, Session
from simulator.render.fragments import md_escape
from simulator.render.transcript import RECEIVED, RECEIVED_ERROR, SENT
from tests.wording import says, shows, written

SCRIPT = b"""EHLO client.example
MAIL FROM:<alice@example.org>
RCPT TO:<bob@example.net>
RCPT TO:<no brackets@example.net
DATA
Subject: notes

..a line that starts with a dot
.
HELOO
QUIT
NOOP
"""


def engine_exchanges(script: bytes) -> list[Exchange]:
    """What the engine itself answers to the same lines (the reference)."""
    session = Session(session_id="S1")
    out = [session.greeting()]
    for line in split_lines(script):
        out += session.receive_data(line + b"\r\n")
    return out


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], script: bytes = SCRIPT,
        fmt: str = "text", lang: str | None = None) -> tuple[int, str]:
    path = tmp_path / "script.smtp"
    path.write_bytes(script)
    args = RunOptions(file=str(path), format=fmt, lang=lang, no_color=False)
    status = run_file(args)
    return status, capsys.readouterr().out


def test_text_transcript_shows_exactly_the_engine_replies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(tmp_path, capsys)
    assert status == 1  # NOOP came after the 221: a line left unsent
    received = [line[4:] for line in out.splitlines()
                if line.startswith((RECEIVED, RECEIVED_ERROR))]
    expected = [line for e in engine_exchanges(SCRIPT) for line in e.reply.wire_lines()]
    assert received == expected
    assert "\x1b[" not in out  # not a terminal: plain text


def test_sent_lines_are_marked_and_the_rest_is_counted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys)
    sent = [line[len(SENT):] for line in out.splitlines() if line.startswith(SENT)]
    lines = [line.decode() for line in split_lines(SCRIPT)]
    assert sent == lines[:-1]  # NOOP came after 221
    assert ui_text("run.unsent", "en", count=1) in out


def test_the_unsent_notice_speaks_chinese(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys, lang="zh")
    assert out.splitlines()[-1] == ui_text("run.unsent", "zh", count=1)


def test_every_reply_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys)
    replies = sum(1 for line in out.splitlines() if line.startswith(RECEIVED + "2")
                  or line.startswith(RECEIVED + "3") or line.startswith(RECEIVED_ERROR + "5"))
    last_lines = replies - 6  # the EHLO reply has 7 lines, one explanation
    assert out.count("\n  Why: ") == last_lines


def test_json_carries_keys_states_and_explanations(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys, fmt="json")
    data = json.loads(out)
    replies = [r for step in data["steps"] for r in step["replies"]]
    expected = engine_exchanges(SCRIPT)
    assert [r["key"] for r in replies] == [e.reply.key for e in expected]
    assert [r["code"] for r in replies] == [e.reply.code for e in expected]
    assert [r["state_after"] for r in replies] == [e.state_after.value for e in expected]
    assert all(r["explanation"]["why"] and r["explanation"]["fix"] for r in replies)
    assert data["unsent_lines"] == 1
    assert data["steps"][0]["sent"] is None
    assert data["steps"][8]["sent"] == "..a line that starts with a dot"


def test_markdown_handout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys, fmt="markdown", lang="zh")
    assert out.startswith("# ")
    assert out.count("```text") == out.count("```") // 2
    assert f"{SENT}HELOO" in out
    assert "**500 " in out


def test_crlf_file_and_stdin(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"EHLO a.example\r\nNOOP\r\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    args = RunOptions(file="-", format="json", lang="en", no_color=True)
    assert run_file(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["sent"] for s in data["steps"]] == [None, "EHLO a.example", "NOOP"]


def test_control_bytes_in_a_script_are_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys, script=b"EHLO x\x1b[2J.example\n")
    assert "\x1b" not in out
    assert f"{SENT}EHLO x\\x1b[2J.example" in out


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = RunOptions(file=str(tmp_path / "missing"), format="text", lang=None,
                              no_color=True)
    assert run_file(args) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_command_line_entry(tmp_path: Path) -> None:
    path = tmp_path / "s.smtp"
    path.write_bytes(b"EHLO client.example\nQUIT\n")
    done = subprocess.run([sys.executable, "-m", "simulator", "run", str(path), "--format", "json"],
                          capture_output=True, check=True)
    data = json.loads(done.stdout)
    assert [r["code"] for s in data["steps"] for r in s["replies"]] == [220, 250, 221]


def test_piped_console_behaves_like_run(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "simulator", "--no-color"],
                          input=b"EHLO client.example\nHELOO\n", capture_output=True, check=True,
                          env={"SMTP_SIM_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    out = done.stdout.decode()
    assert f"{SENT}HELOO" in out
    assert f'{RECEIVED_ERROR}500 5.5.2 Syntax error: command "HELOO" not recognized' in out


@pytest.mark.parametrize(("lang", "said"), [("en", "ended inside DATA"), ("zh", "DATA 中途结束")])
def test_a_file_that_stops_inside_data_says_the_message_was_not_sent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    path = tmp_path / "cut.smtp"
    path.write_bytes(b"EHLO a.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\nhello\n")
    args = RunOptions(file=str(path), format="text", lang=lang, no_color=True)
    assert run_file(args) == 1
    captured = capsys.readouterr()
    assert said in captured.err
    assert " -> hello" in captured.out


def test_a_finished_file_says_nothing_on_stderr(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "whole.smtp"
    path.write_bytes(b"EHLO a.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\n"
                     b"hello\n.\nQUIT\n")
    args = RunOptions(file=str(path), format="text", lang="en", no_color=True)
    assert run_file(args) == 0
    assert capsys.readouterr().err == ""


def test_run_with_tls_and_auth_negotiates_in_memory(tmp_path: Path) -> None:
    """The same options as serve: a real handshake over the memory streams, then AUTH."""
    script = tmp_path / "tls.smtp"
    script.write_bytes(b"EHLO client.example\nAUTH PLAIN AHN0dWRlbnQAc2VjcmV0\nSTARTTLS\n"
                       b"EHLO client.example\nAUTH PLAIN AHN0dWRlbnQAc2VjcmV0\n"
                       b"MAIL FROM:<a@b.example>\nQUIT\n")
    result = subprocess.run([sys.executable, "-m", "simulator", "run", "--tls", "--auth",
                             "--require-auth", "--format", "json", str(script)],
                            capture_output=True, env={"SMTP_SIM_HOME": str(tmp_path)},
                            check=False)
    assert result.returncode == 0, result.stderr
    steps = json.loads(result.stdout)["steps"]
    keys = [reply["key"] for step in steps for reply in step["replies"]]
    assert keys == ["session.greeting", "session.ehlo", "auth.encryption-required",
                    "tls.ready", "session.ehlo", "auth.succeeded", "mail.accepted",
                    "session.quit"]
    assert steps[3]["tls"]["version"] == "TLSv1.3"


def test_run_refuses_half_a_certificate(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "simulator", "run", "--cert", "x.pem", "-"],
                            capture_output=True, input=b"", check=False)
    assert result.returncode == 2
    assert ui_text("options.cert-without-key", "en").encode() in result.stderr


NARRATED = b"""# First say who you are.
EHLO a.example
:eol lf
NOOP
:eol crlf
:save notes.md
QUIT
"""


def test_narration_and_script_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(tmp_path, capsys, script=NARRATED)
    assert status == 0
    lines = out.splitlines()
    assert lines.index("# First say who you are.") < lines.index(f"{SENT}EHLO a.example")
    sent = [line[len(SENT):] for line in out.splitlines() if line.startswith(SENT)]
    assert sent == ["EHLO a.example", "NOOP", "QUIT"]  # nothing starting with : was sent
    assert ui_text("console.eol-lf", "en") in out
    assert says(out, "script.unknown-meta", line=":save notes.md")


def test_narration_is_a_note_step_in_json(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys, script=NARRATED, fmt="json")
    steps = json.loads(out)["steps"]
    assert steps[1] == {"note": "First say who you are."}
    assert [s["sent"] for s in steps if "sent" in s] == [None, "EHLO a.example", "NOOP", "QUIT"]


def test_lang_in_a_script_switches_the_explanations(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(tmp_path, capsys, script=b"NOOP\n:lang zh\nNOOP\n")
    first, second = out.split(ui_text("console.lang-set", "zh"))
    assert labels("en")["why"] in first and labels("en")["why"] not in second
    assert labels("zh")["why"] in second


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unreachable_server_is_status_1_in_the_chosen_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    path = tmp_path / "s.smtp"
    path.write_bytes(b"NOOP\n")
    args = RunOptions(file=str(path), format="text", lang=lang, no_color=True,
                              session=SessionOptions(connect="127.0.0.1:1"))
    assert run_file(args) == 1
    assert says(capsys.readouterr().err, "connect.cannot", lang, peer="127.0.0.1:1",
                reason=ui_text("connect.refused", lang))


def test_unsent_lines_say_so_on_stderr_with_status_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.smtp"
    path.write_bytes(b"QUIT\nNOOP\nNOOP\n")
    args = RunOptions(file=str(path), format="text", lang="zh", no_color=True)
    assert run_file(args) == 1
    assert "还有 2 行没有发送" in capsys.readouterr().err


def test_a_50_mb_line_runs_in_bounded_memory_and_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "big.smtp"
    with path.open("wb") as handle:
        handle.write(b"EHLO a.example\nNOOP ")
        for _ in range(50):
            handle.write(b"y" * 1_000_000)
        handle.write(b"\nQUIT\n")
    # VmHWM is this process's own peak since exec; ru_maxrss would also count the pytest
    # process it was forked from (Linux carries the pre-exec peak over), often 300 MB.
    code = ("import re, sys; from simulator.cli.command import main; status = main(sys.argv[1:]); "
            "status_text = open('/proc/self/status').read(); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', status_text).group(1), file=sys.stderr); "
            "sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, "run", str(path), "--no-color"],
                          capture_output=True, check=True)
    peak_kib = int(done.stderr.decode().split()[-1])
    assert peak_kib < 120_000  # the interpreter and trio alone take about 40 MB
    out = done.stdout.decode()
    longest = max(len(line) for line in out.splitlines())
    assert longest < 1100
    assert "221 2.0.0" in out


def test_a_text_line_starting_with_a_dot_is_explained_under_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = (b"EHLO a\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\n.hidden\n"
              b"..kept\n.\nQUIT\n")
    _, out = run(tmp_path, capsys, script=script, lang="en")
    lines = out.splitlines()
    under = lines[lines.index(f"{SENT}.hidden") + 1]
    assert ui_text("console.dot-stuffing", "en", line="hidden") in under
    assert not says(lines[lines.index(f"{SENT}..kept") + 1], "console.dot-stuffing")


def test_a_reader_that_stops_early_ends_the_run_quietly() -> None:
    """``smtp-sim run f | head -1``: no "cannot read" error, no traceback, SIGPIPE's status."""
    script = b"EHLO a.example\n" + b"NOOP\n" * 2000 + b"QUIT\n"
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(script)
    proc.stdin.close()
    assert proc.stdout.readline().startswith(b"<-  220 ")
    proc.stdout.close()
    status = proc.wait(timeout=60)
    assert proc.stderr.read() == b""
    assert status == 141



@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_transcript_masks_credentials_as_the_serve_log_does(tmp_path: Path, fmt: str) -> None:
    """A transcript is passed on (handed in, posted): AUTH PLAIN ****, **** for each 334 answer."""
    script = tmp_path / "auth.smtp"
    script.write_bytes(b"EHLO c.example\nAUTH PLAIN AHF1dXhseQBodW50ZXIy\n:reconnect\n"
                       b"EHLO c.example\nAUTH LOGIN\ncXV1eGx5\naHVudGVyMg==\nQUIT\n")
    result = subprocess.run([sys.executable, "-m", "simulator", "run", "--auth", "--user",
                             "quuxly:hunter2", "--format", fmt, "--no-color", str(script)],
                            capture_output=True, text=True, check=False,
                            env={"SMTP_SIM_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        sent = [step["sent"] for step in json.loads(result.stdout)["steps"]
                if step.get("sent") is not None]
    else:
        sent = [line[len(SENT):] for line in result.stdout.splitlines() if line.startswith(SENT)]
    assert sent == ["EHLO c.example", "AUTH PLAIN ****", "EHLO c.example", "AUTH LOGIN",
                    "****", "****", "QUIT"]
    for secret in ("AHF1dXhseQBodW50ZXIy", "cXV1eGx5", "aHVudGVyMg==", "quuxly", "hunter2"):
        assert secret not in result.stdout


def test_run_waits_for_error_replies_only_when_asked(tmp_path: Path) -> None:
    """What the transcript says, not a race of two wall clocks on a busy machine: past the
    soft limit each error reply is said to have waited (and did: a lower bound is safe under
    load); by default nothing waits."""
    path = tmp_path / "typos.smtp"
    path.write_bytes(b"X1\nX2\nX3\nQUIT\n")

    def run_it(*options: str) -> tuple[float, bytes]:
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "simulator", "run", "--no-color",
                                 *options, str(path)], capture_output=True, timeout=60)
        assert result.returncode == 0 and result.stdout.count(b"<** 500 5.5.2") == 3
        return time.monotonic() - start, result.stdout

    slowed, said = run_it("--soft-error-limit", "1", "--error-sleep", "0.5")
    waited = scenario_text("waited", "en", seconds=0.5).encode()
    assert slowed >= 1.0 and said.count(waited) == 2
    assert not shows(run_it()[1].decode(), written("scenario-ui", "texts", "waited"))


@pytest.mark.parametrize(("options", "status"), [
    ((), 0), (("--fail-on", "5xx"), 1), (("--fail-on", "4xx"), 0),
    (("--fail-on", "4xx", "--fail-on", "5xx"), 1),
])
def test_fail_on_a_reply_class_gives_status_1_for_a_script_or_ci(
        tmp_path: Path, options: tuple[str, ...], status: int) -> None:
    """``FOO`` gets 500: a lesson by default (status 0), a failure with --fail-on 5xx."""
    path = tmp_path / "homework.smtp"
    path.write_bytes(b"EHLO client.example\nFOO\nQUIT\n")
    done = subprocess.run([sys.executable, "-m", "simulator", "run", str(path), *options],
                          capture_output=True, text=True, timeout=60,
                          env={"SMTP_SIM_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == status
    if status:
        assert "5xx" in done.stderr and "500" in done.stderr and "FOO" in done.stderr
    else:
        assert done.stderr == ""


@pytest.mark.parametrize(("lang", "said"), [("en", "--fail-on 4xx"), ("zh", "--fail-on 4xx")])
def test_fail_on_4xx_names_the_reply_in_the_chosen_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    from simulator.lessons.ui import text

    path = tmp_path / "limit.smtp"
    path.write_bytes(b"EHLO a.example\nMAIL FROM:<a@b.example>\n"
                     b"RCPT TO:<greylist@smtp-sim.localhost>\nQUIT\n")
    args = RunOptions(file=str(path), format="text", lang=lang, no_color=True, fail_on=("4xx",),
                      session=SessionOptions(scenario=ScenarioOptions("realistic")))
    assert run_file(args) == 1
    err = capsys.readouterr().err
    assert said in err and "451" in err
    assert err.startswith(text("run.failed-on-1", lang, cls="4xx", reply="")[:12])


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_notice_and_narration_are_escaped_once_for_their_medium(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    status, out = run(tmp_path, capsys, b"# type \\0 for NUL\n:eol lf\n:eol crlf\nQUIT\n", fmt)
    assert status == 0
    once = "\\" if fmt == "text" else "\\\\"  # Markdown writes \\ for one backslash
    notice = ui_text("console.eol-lf", "en")
    assert f"type {once}0 for NUL" in out
    assert (notice if fmt == "text" else md_escape(notice)) in out
    assert f"{once}\\0" not in out and f"({once}\\n)" not in out


def test_a_pipelined_group_is_shown_line_by_line_then_its_replies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = (b"EHLO c.example\n:pipeline\nMAIL FROM:<a@x.org>\nRCPT TO:<b@y.org>\nDATA\n:end\n"
              b"hi\n.\nQUIT\n")
    status, out = run(tmp_path, capsys, script)
    assert status == 0
    group = out[out.index(f"{SENT}MAIL FROM:<a@x.org>\n"):out.index(f"{SENT}hi")]
    assert f"{SENT}RCPT TO:<b@y.org>\n{SENT}DATA\n" in group  # one line each, not escaped
    assert group.index(f"{SENT}DATA") < group.index(f"{RECEIVED}250 2.1.0")
    assert group.index(f"{RECEIVED}250 2.1.5") < group.index(f"{RECEIVED}354")


def test_a_file_ending_inside_a_group_exits_1_and_says_why(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "open.smtp"
    path.write_bytes(b"EHLO c.example\n:pipeline\nNOOP\n")
    args = RunOptions(file=str(path), format="text", lang=None, no_color=False)
    assert run_file(args) == 1
    captured = capsys.readouterr()
    assert ui_text("run.pipeline-open", "en", count=1) in captured.out
    assert ui_text("run.pipeline-open-status", "en", program="smtp-sim run", count=1) in captured.err

HOMEWORK = b"EHLO client.example.com\nFOO\nMAIL FROM:<alice@example.org>\nRCPT TO:<bob@example.net>\nQUIT\n"


@pytest.mark.parametrize(("width", "lang"), [(60, "en"), (60, "zh"), (80, "en"), (80, "zh")])
def test_run_on_a_terminal_wraps_between_words_under_its_markers(
        tmp_path: Path, width: int, lang: str) -> None:
    """Printed to a terminal, the transcript wraps as the console's does: at word (or
    ideograph) boundaries, explanations indented, a wire line hanging under its text; to a
    pipe it stays one line per logical line, for grep and handouts."""
    from tests.tmux import assert_wrapped, pane

    script = tmp_path / "homework.smtp"
    script.write_bytes(HOMEWORK)
    piped = subprocess.run([sys.executable, "-m", "simulator", "run", str(script),
                            "--lang", lang], capture_output=True, text=True, check=True,
                           env={"SMTP_SIM_HOME": str(tmp_path / "home"), "PATH": ""}).stdout
    assert max(len(line) for line in piped.splitlines()) > width  # it would need wrapping
    with pane(tmp_path, "run", str(script), "--lang", lang, width=width, height=60) as term:
        assert term.status() == "0"
        screen = term.history()
    assert_wrapped(screen, piped, starts=(SENT, RECEIVED, RECEIVED_ERROR, "  "))
    assert "<-  221 2.0.0 smtp-sim.localhost closing connection" in screen


def test_connect_to_a_host_of_the_zone_plays_it_in_process(tmp_path: Path) -> None:
    """``--connect`` with a name of the scenario's zone: the lab host, never the network."""
    def run_lab(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "simulator", "run", "--format", "json",
                               *args, "-"], input=b"EHLO client.example\nMAIL FROM:<a@example.org>\n",
                              capture_output=True, env={"SMTP_SIM_HOME": str(tmp_path)},
                              check=False)

    result = run_lab("--scenario", "realistic", "--connect", "smtp.example.org:587")
    assert result.returncode == 0, result.stderr
    steps = json.loads(result.stdout)["steps"]
    assert [reply["key"] for step in steps for reply in step["replies"]] == [
        "session.greeting-scenario", "session.ehlo", "tls.required"]
    assert steps[0]["replies"][0]["wire"][0].startswith("220 smtp.example.org ESMTP")
    bad_port = run_lab("--scenario", "realistic", "--connect", "mx1.campus.example:2525")
    assert bad_port.returncode == 2
    assert says(bad_port.stderr.decode(), "console.connect-bad-port", port=2525,
                host="mx1.campus.example")
    no_zone = run_lab("--connect", "mx1.campus.example")
    assert no_zone.returncode == 2
    assert says(no_zone.stderr.decode(), "console.connect-lab-hint", host="mx1.campus.example")
    assert not no_zone.stdout
