"""The :state diagram is drawn from the engine's tables, with the current state marked."""

from __future__ import annotations

import itertools

import pytest

from simulator.protocol import State
from simulator.render.statediagram import (
    CURRENT,
    SEQUENCE_ERRORS,
    TRANSITIONS,
    diagram,
    diagram_text,
    main_path,
)


def test_every_forward_move_of_the_table_is_drawn_on_the_spine() -> None:
    """The picture, not the table: each state of the transaction is drawn, in order, with
    an arrow labelled by the verbs that move it on (as the engine's table says)."""
    spine = next(line for line in diagram_text(State.CONNECTED).splitlines() if "──▶" in line)
    path = main_path()
    assert [state for state, _ in path] == [State.CONNECTED, State.GREETED, State.MAIL,
                                           State.RCPT, State.DATA]
    for (state, verbs), (following, _) in itertools.pairwise(path):
        assert all(TRANSITIONS[state, verb] is following for verb in verbs)
        label = "/".join(verb.value for verb in verbs)
        left = spine.index(state.value)
        arrow = spine.index(f"──{label}──▶", left)
        assert left < arrow < spine.index(following.value, arrow)


def test_picture_shows_the_transaction_and_the_way_back() -> None:
    text = diagram_text(State.CONNECTED)
    assert ("[connected] ──HELO/EHLO──▶  greeted  ──MAIL──▶  mail  ──RCPT──▶  rcpt  ──DATA──▶  data"
            in text)
    assert "↻ RCPT" in text  # more recipients
    assert "└" in text and " . " in text  # the final dot leads back to greeted
    assert "QUIT → closed" in text


def test_every_refusal_of_the_table_is_listed() -> None:
    from simulator.render.statediagram import needs

    text = diagram_text(State.GREETED)
    for (state, verb), key in SEQUENCE_ERRORS.items():
        assert needs(key, "en") in text
        assert any(verb.value in line and f"in {state.value} " in line
                   for line in text.splitlines())


@pytest.mark.parametrize("state", list(State))
def test_current_state_is_highlighted(state: State) -> None:
    highlighted = {text.strip("[]") for style, text in diagram(state) if style == CURRENT}
    assert highlighted == {state.value}
    if state is not State.CLOSED:  # also visible without colour
        assert f"[{state.value}]" in diagram_text(state)


def test_from_here_line_matches_the_table() -> None:
    last = diagram_text(State.MAIL).rstrip().splitlines()[-1]
    assert "RCPT → rcpt" in last
    assert "503: DATA (a RCPT TO first)" in last


def test_chinese() -> None:
    assert "当前状态" in diagram_text(State.DATA, "zh")


def test_every_refusal_is_said_in_words_in_both_languages() -> None:
    from simulator.render.statediagram import needs, refusals

    for key in set(SEQUENCE_ERRORS.values()):
        assert needs(key, "en") and needs(key, "zh") != needs(key, "en")
    for lang in ("en", "zh"):
        assert not any("sequence." in line for line in refusals(lang))


def test_starttls_and_auth_stay_out_of_the_picture() -> None:
    """They exist only on a server that offers them (--tls, --auth); elsewhere they are 502."""
    text = diagram_text(State.GREETED)
    assert "STARTTLS" not in text and "AUTH" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_narrow_terminal_gets_the_path_drawn_top_to_bottom(lang: str) -> None:
    from simulator.render.statediagram import spine_width
    from simulator.render.wrap import text_width

    text = diagram_text(State.RCPT, lang, width=59)
    picture = text.split("\n\n")[1]
    assert all(text_width(line) <= 59 for line in picture.splitlines())
    assert " [rcpt]  ↻ RCPT" in picture and "──.──▶ greeted" in picture
    assert diagram_text(State.RCPT, lang, width=spine_width()).count("▼") == 0
