"""The demo on a real terminal (tmux), as on a projector: keys, frames, the recording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tmux import pane


@pytest.mark.parametrize(("width", "lang"), [(120, "en"), (60, "zh")])
def test_the_demo_on_a_projector_with_a_recording(tmp_path: Path, width: int,
                                                   lang: str) -> None:
    cast = tmp_path / "demo.cast"
    with pane(tmp_path, "demo", "221-vs-500", "--typing-speed", "200", "--lang", lang,
              "--record", str(cast), width=width, height=30) as term:
        first = term.wait_for("<-  220 smtp-sim.localhost")
        assert ("step 0/7" if lang == "en" else "第 0/7 步") in first
        term.key("Space")
        term.wait_for(" -> EHLO client.example")
        term.key("Space")
        screen = term.wait_for('command "QUT" not recognized')
        assert ("Why:" if lang == "en" else "原因：") in screen
        term.key("b")
        screen = term.wait_for("step 1/7" if lang == "en" else "第 1/7 步")
        assert " -> QUT" not in screen
        term.key("q")
        assert term.status() == "0"
    lines = cast.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert (header["version"], header["width"], header["height"]) == (2, width, 30)
    times = [json.loads(line)[0] for line in lines[1:]]
    assert times and times == sorted(times)
    assert any("QUT" in json.loads(line)[2] for line in lines[1:])


@pytest.mark.parametrize(("width", "lang"), [(60, "en"), (60, "zh"), (80, "en"), (80, "zh")])
def test_demo_list_and_unattended_play_wrap_on_a_terminal(tmp_path: Path, width: int,
                                                          lang: str) -> None:
    """``demo list`` and ``demo NAME --pace 0`` printed to a terminal wrap between words,
    a summary under its summary, a wire line under its text (not mid-word at column 0)."""
    import subprocess
    import sys

    from simulator.render.wrap import text_width
    from tests.tmux import assert_wrapped

    home = {"SMTP_SIM_HOME": str(tmp_path / "home"), "PATH": ""}
    for args, starts in ((["list"], ("Built-in", "内置", "  ")),
                         (["bounces", "--pace", "0"], (" -> ", "<-  ", "<** ", "# ", "  ", "──", "Bounces",
                                                       "退信", "("))):
        piped = subprocess.run([sys.executable, "-m", "simulator", "demo", *args, "--lang",
                                lang], capture_output=True, text=True, check=True,
                               env=home).stdout
        assert max(text_width(line) for line in piped.splitlines()) > width
        place = tmp_path / args[0]  # a pane of its own: its own exit-status file
        place.mkdir()
        with pane(place, "demo", *args, "--lang", lang, width=width, height=60) as term:
            assert term.status() == "0"
            assert_wrapped(term.history(), piped, starts=starts)
