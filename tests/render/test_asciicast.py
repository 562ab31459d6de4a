"""The asciicast v2 writer: a header line, then events whose times never go back."""

from __future__ import annotations

import io
import json

from simulator.render.asciicast import AsciicastWriter, terminal_text


def test_header_then_events_with_times_that_never_decrease() -> None:
    out = io.StringIO()
    cast = AsciicastWriter(out, width=80, height=24, title="演示")
    cast.output(0.5, "a")
    cast.output(0.2, "b")  # a clock that stepped back: clamped
    cast.output(1.0, "")  # nothing shown: no event
    cast.output(1.25, "\x1b[1mc\x1b[0m")
    header, *events = (json.loads(line) for line in out.getvalue().splitlines())
    assert header == {"version": 2, "width": 80, "height": 24, "title": "演示",
                      "env": {"TERM": "xterm-256color"}}
    assert events == [[0.5, "o", "a"], [0.5, "o", "b"], [1.25, "o", "\x1b[1mc\x1b[0m"]]
    assert cast.events == 3 and cast.last == 1.25


def test_terminal_text_ends_lines_with_crlf_once() -> None:
    assert terminal_text("a\nb\r\nc") == "a\r\nb\r\nc"
