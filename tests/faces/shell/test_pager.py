"""The "-- more --" pager: :help and :state taller than the screen come a page at a time."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from simulator.faces.shell.app import Console
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.pager import pages, split_lines
from simulator.lessons.ui import text
from tests.wording import opening

ENTER, CTRL_D = "\r", "\x04"


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def lines_of(count: int) -> list[tuple[str, str]]:
    return [("class:title", "head "), *(("", f"line {n}\nmore {n}\n") for n in range(count))]


@pytest.mark.parametrize(("count", "rows"), [(1, 24), (10, 24), (11, 24), (40, 24), (40, 80),
                                             (200, 10), (5, 3)])
def test_pages_keep_every_line_and_fit_the_screen(count: int, rows: int) -> None:
    fragments = lines_of(count)
    screens = pages(fragments, rows)
    assert "".join(t for screen in screens for _, t in screen) == "".join(t for _, t in fragments)
    tall = len(split_lines(fragments))
    if tall <= rows - 3 or rows < 6:
        assert len(screens) == 1
    else:
        assert all(len(split_lines(screen)) == rows - 1 for screen in screens[:-1])
        assert 1 <= len(split_lines(screens[-1])) <= rows - 1


async def typed(keys: str, *, lang: str = "en", rows: int = 24) -> tuple[str, str]:
    """The console on a ``rows``-high terminal, ``keys`` typed: (transcript, terminal)."""
    out, screen = io.StringIO(), io.StringIO()
    settings = ConsoleSettings(lang=lang, wrap=True)  # to COLUMNS, 80 here
    terminal = Vt100_Output(screen, lambda: Size(rows=rows, columns=80), term="xterm",
                            enable_cpr=False)
    with create_pipe_input() as pipe:
        console = Console(settings, out, input=pipe, output=terminal, history=InMemoryHistory())
        pipe.send_text(keys + CTRL_D)
        assert await console.run() == 0
    return out.getvalue(), screen.getvalue()


def shown_for(transcript: str, command: str) -> list[str]:
    """The lines a meta-command showed (up to the next line typed or sent)."""
    part = transcript.split(f"smtp> {command}\n", 1)[1]
    return part.split(" -> ", 1)[0].split("smtp> ", 1)[0].splitlines()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", [":help", ":state"])
async def test_a_long_answer_stops_after_a_screenful_and_q_ends_it(lang: str,
                                                                  command: str) -> None:
    whole, _ = await typed(f"{command}{ENTER}", lang=lang, rows=200)
    everything = shown_for(whole, command)
    assert len(everything) > 24  # too tall for a 24-line terminal
    transcript, terminal = await typed(f"{command}{ENTER}qNOOP{ENTER}", lang=lang)
    first = shown_for(transcript, command)
    assert first == everything[:23]  # one screenful, the last row is the pager's prompt
    assert text("console.more-above", lang) in terminal
    assert " -> NOOP" in transcript  # q went to the pager, the next line to the server
    more = -(-len(everything) // 23) - 1  # pages after the first
    keys = "x" + " " * (more - 1) + ENTER  # x does nothing; Space and Enter go on
    paged, _ = await typed(f"{command}{ENTER}{keys}NOOP{ENTER}", lang=lang)
    assert " -> NOOP\n" in paged
    assert shown_for(paged, command) == everything  # Space: page after page, to the end


async def test_short_output_is_not_paged() -> None:
    transcript, terminal = await typed(f":help save{ENTER}NOOP{ENTER}")
    assert ":save FILE" in transcript and " -> NOOP" in transcript
    assert text("console.more-above", "en") not in terminal


@pytest.mark.parametrize("report", ["\x1b[31m", "\x1b[<0;10;5m\x1b[31m"])
async def test_a_malformed_mouse_report_at_the_more_prompt_is_ignored(report: str) -> None:
    """Bytes the terminal parser takes for a mouse report, arriving at "-- more --", do not
    break :help (prompt_toolkit's own handler raised on them: "internal error"); Ctrl-C
    then stops the pager as usual."""
    transcript, _ = await typed(":help" + ENTER + report + "\x03")
    assert opening("app.internal-error") not in transcript
    assert text("console.help-title", "en") in transcript
    assert ":quit" not in shown_for(transcript, ":help")[-1]  # stopped after a page
