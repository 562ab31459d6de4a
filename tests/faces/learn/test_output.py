"""Where the learn face writes: ANSI or plain, wrapped to the terminal only when asked."""

from __future__ import annotations

import io

from simulator.faces.learn.output import Printer, printer


def test_plain_output_has_no_escapes_and_colour_output_does() -> None:
    plain, coloured = io.StringIO(), io.StringIO()
    Printer(plain, color=False)([("class:fix", "try again\n")])
    Printer(coloured, color=True)([("class:fix", "try again\n")])
    assert plain.getvalue() == "try again\n"
    assert "\x1b[" in coloured.getvalue() and "try again" in coloured.getvalue()


def test_text_wraps_to_the_width_but_a_wire_line_does_not() -> None:
    out = io.StringIO()
    show = Printer(out, color=False, width=lambda: 20)
    show([("", "one two three four five six seven\n")])
    assert all(len(line) <= 20 for line in out.getvalue().splitlines())
    out.truncate(0)
    out.seek(0)
    show([("", "250-" + "x" * 40 + "\n")], wrap=False)
    assert out.getvalue() == "250-" + "x" * 40 + "\n"


def test_a_pipe_is_never_wrapped() -> None:
    out = io.StringIO()
    printer(out, color=False)([("", "word " * 60 + "\n")])
    assert len(out.getvalue().splitlines()) == 1
