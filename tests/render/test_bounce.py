"""An explained bounce on a terminal, in Markdown and in JSON: every recipient with its
sections, the reply coloured by class, Markdown-special characters escaped."""

from __future__ import annotations

import json

import pytest

from simulator.lessons.bounce_view import explain_bounce
from simulator.lessons.bounces import Bounce, Failure
from simulator.lessons.ui import text
from simulator.render.bounce import bounce_fragments, bounce_json, bounce_markdown
from simulator.render.fragments import to_plain

BOUNCE = Bounce("dsn", "mx.example.org", (
    Failure("bob_smith@example.net", "failed", "5.1.1", 550, "550 5.1.1 *no* such user", ""),
    Failure("carol@example.com", "delayed", "4.4.1", None, "timed out", "")), ())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_recipient_has_its_sections_in_order(lang: str) -> None:
    plain = to_plain(bounce_fragments(explain_bounce(BOUNCE, lang)))
    headings = [line.strip() for line in plain.splitlines() if line.startswith("  ")
                and not line.startswith("    ")]
    names = ("said", "meaning", "who", "retry", "fix")
    assert headings[:5] == [text(f"bounce.{name}", lang) for name in names]
    assert f"carol@example.com · {text('bounce.action-delayed', lang)} · 4.4.1" in plain


def test_the_status_is_coloured_by_its_class() -> None:
    fragments = bounce_fragments(explain_bounce(BOUNCE, "en"))
    assert ("class:code.5xx", "550 5.1.1\n") in fragments
    assert ("class:code.4xx", "4.4.1\n") in fragments  # no reply code: the class of the status


def test_markdown_escapes_what_the_file_said() -> None:
    markdown = bounce_markdown(explain_bounce(BOUNCE, "en"))
    assert "## bob\\_smith@example.net: not delivered, 550 5.1.1" in markdown
    assert "550 5.1.1 \\*no\\* such user" in markdown


def test_json_names_every_field() -> None:
    document = json.loads(bounce_json(explain_bounce(BOUNCE, "zh")))
    assert document["lang"] == "zh" and document["reporting_mta"] == "mx.example.org"
    assert [(r["recipient"], r["code"], r["retry_later"]) for r in document["recipients"]] == [
        ("bob_smith@example.net", 550, False), ("carol@example.com", None, True)]
