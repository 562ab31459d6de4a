"""The bottom toolbar: state, sender, recipients, accepted messages, language; DATA help."""

from __future__ import annotations

from simulator.client.connection import SessionView
from simulator.faces.shell.toolbar import toolbar_fragments
from simulator.protocol import State


def plain(view: SessionView, lang: str = "en", eol: str = "crlf", raw: bool = False,
          width: int = 120) -> str:
    return "".join(text for _, text in toolbar_fragments(view, lang=lang, eol=eol, raw=raw,
                                                         width=width))


def test_transaction_in_progress() -> None:
    line = plain(SessionView(State.RCPT, "alice@example.org", 2, 1, 3, 20))
    for part in ("state: rcpt (2)", "from: <alice@example.org>", "to: 2", "accepted: 1",
                 "errors: 3/20", "line end: CRLF", " en "):
        assert part in line


def test_data_mode_says_how_to_end_the_message() -> None:
    line = plain(SessionView(State.DATA, "a@b.c", 1, 0))
    assert "only ." in line


def test_closed_says_how_to_go_on() -> None:
    assert ":reconnect" in plain(SessionView(State.CLOSED, None, 0, 0))


def test_chinese_labels_and_flags() -> None:
    line = plain(SessionView(State.GREETED, None, 0, 0), "zh", eol="lf", raw=True)
    # the state as the lessons word it ([states] of codes.zh.toml), not the English name alone
    assert "状态: “greeted”（已打招呼）" in line and "行尾: LF" in line and "zh raw" in line
    narrow = plain(SessionView(State.GREETED, None, 2, 1), "zh", width=80)
    assert "收件 2" in narrow and "接受 1" in narrow  # no 收 beside 已收 that read alike


def test_sender_is_escaped() -> None:
    line = plain(SessionView(State.MAIL, "a\x1b[31m@b.c", 0, 0))
    assert "\x1b" not in line and "\\x1b" in line


def test_data_mode_with_bare_lf_warns_that_the_dot_will_not_end_it() -> None:
    line = plain(SessionView(State.DATA, "a@b.c", 1, 0), eol="lf")
    assert ":eol crlf" in line
    assert len(line) <= 80  # whole on an ordinary terminal: the way out must not be cut off


def test_bare_lf_warning_in_chinese_fits_too() -> None:
    from simulator.render.wrap import text_width

    line = plain(SessionView(State.DATA, "a@b.c", 1, 0), "zh", eol="lf")
    assert ":eol crlf" in line and text_width(line) <= 80


def test_every_state_fits_60_columns_in_every_language() -> None:
    from simulator.lessons.load import LANGS
    from simulator.render.wrap import text_width

    views = [SessionView(state, "a.very.long.sender.name@example.org", 12, 3, 19, 20)
             for state in State]
    for lang in LANGS:
        for eol in ("crlf", "lf"):
            for view in views:
                line = plain(view, lang, eol=eol, width=60)
                assert text_width(line) <= 59, line
                assert "19/20" in line or view.state in (State.DATA, State.CLOSED)


def test_narrow_labels_stay_with_their_values_when_a_field_is_absent() -> None:
    """Over --connect there is no error counter: the line-end label must not slide onto it."""
    for lang, eol_label, errors_label in (("en", "eol", "err"), ("zh", "行尾", "错")):
        line = plain(SessionView(State.GREETED, None, 0, 0), lang, width=80)
        assert f"{eol_label} CRLF" in line
        assert f"{errors_label} CRLF" not in line
        with_budget = plain(SessionView(State.GREETED, None, 0, 0, 2, 20), lang, width=80)
        assert f"{errors_label} 2/20" in with_budget and f"{eol_label} CRLF" in with_budget
