"""Colour only where a person reads it: a terminal, without --no-color or NO_COLOR."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from simulator.render.terminal import wants_color


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_color(Tty())


def test_a_pipe_or_file_gets_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not wants_color(io.StringIO())


def test_no_color_option_and_environment_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not wants_color(Tty(), no_color=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_color(Tty())


def test_an_empty_no_color_does_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: only a non-empty value disables
    assert wants_color(Tty())


def test_a_demo_whose_reader_stops_early_ends_quietly() -> None:
    """reader_gone(): ``smtp-sim demo x | head -1`` says nothing and exits as SIGPIPE would."""
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "demo", "first-mail",
                             "--pace", "0"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # the title
    proc.stdout.close()
    status = proc.wait(timeout=60)
    assert proc.stderr.read() == b""
    assert status == 141
