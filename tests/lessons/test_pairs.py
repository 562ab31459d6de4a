"""Code + enhanced code pairs: 550 with 5.1.1 is a lesson about a typo, 550 with 5.7.26 one
about DMARC. The pair's entry replaces the code's when a reply carries that enhanced code,
explain shows it, comparisons of pairs are authored, and the linter checks pair names."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli.command import main
from simulator.lessons.annotate import annotate, annotate_reply
from simulator.lessons.check import check_library
from simulator.lessons.entries import REQUIRED_PAIRS, UnknownCodeError, code_entry, pair_entry
from simulator.lessons.load import LANGS, Library, default_library
from simulator.lessons.lookup import parse_request
from tests.dialogue import send, session_after


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", REQUIRED_PAIRS)
def test_every_required_pair_has_its_own_text(name: str, lang: str) -> None:
    code, enhanced = name.split(" ")
    pair, plain = pair_entry(int(code), enhanced, lang), code_entry(int(code), lang)
    assert pair.heading == f"{name} {pair.title}"
    for field in ("title", "description", "when", "fix"):
        assert getattr(pair, field) and getattr(pair, field) != getattr(plain, field)
    assert pair.rfc == pair_entry(int(code), enhanced, "en").rfc


def test_a_foreign_reply_with_a_known_pair_is_explained_by_the_pair() -> None:
    a = annotate_reply(550, None, "5.7.26 Unauthenticated email from yahoo.com is not accepted",
                       "en", after="DOT")
    assert a.title.startswith("550 ")  # the code's own title stays the heading
    assert a.enhanced_title == "5.7.26 Unauthenticated: the author domain's DMARC policy rejects it"
    assert "DMARC" in a.why and "header From:" in a.why and "route" in a.fix
    assert a.rfc == "RFC 7489 §3.1, §6.6.2; RFC 7372 §3.4"
    assert a.see == "smtp-sim explain 550 5.7.26"


def test_the_same_code_with_another_enhanced_code_is_a_different_lesson() -> None:
    unknown = annotate_reply(550, "5.1.1", "no such user", "zh")
    relay = annotate_reply(550, "5.7.1", "relaying denied", "zh")
    assert unknown.fix != relay.fix
    assert "中继" in relay.why and "用户不存在" in (unknown.enhanced_title or "")


def test_without_a_pair_the_enhanced_code_is_explained_on_its_own() -> None:
    a = annotate_reply(550, "5.1.3", "bad syntax", "en")
    assert a.enhanced_title == "5.1.3 Bad destination mailbox address syntax"
    assert a.why.endswith("5.1.3 Bad destination mailbox address syntax: "
                          "The recipient address is not written as a valid address.")


def test_a_pair_needs_the_class_digit_of_its_code() -> None:
    with pytest.raises(UnknownCodeError):
        pair_entry(550, "4.1.1")
    with pytest.raises(UnknownCodeError):
        pair_entry(550, "5.1.2")  # a well-formed pair without an entry


def test_engine_replies_keep_their_key_text_but_show_the_pair_title() -> None:
    [exchange] = send(session_after(b"EHLO c.example\r\n"), "MAIL FROM:<jörg@example.org>")
    a = annotate(exchange, "en")
    assert (a.code, a.enhanced, a.key) == (550, "5.6.7", "mail.utf8-needs-smtputf8")
    assert "550 5.6.7" in a.why  # the key's own explanation, not the generic 550 text


def test_explain_takes_a_code_and_its_enhanced_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "550", "5.1.1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SMTP 550 5.1.1 User unknown\n")
    assert "Enhanced code" not in out  # the pair covers it; no second, generic section
    request = parse_request(["552 5.2.2", "552 5.3.4"], "zh")
    assert [e.label for e in request.entries] == ["552 5.2.2", "552 5.3.4"]
    assert request.comparison is not None and request.comparison.authored
    assert request.comparison.name == "552 5.2.2-552 5.3.4"


def test_explain_without_a_pair_entry_shows_code_and_enhanced_code() -> None:
    request = parse_request(["550", "5.1.3"], "en")
    assert [e.label for e in request.entries] == ["550"]
    assert [e.code for e in request.enhanced] == ["5.1.3"]


def test_json_names_the_enhanced_code(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["explain", "550", "5.1.1", "554", "5.7.1", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [(c["code"], c["enhanced"]) for c in document["codes"]] == [(550, "5.1.1"),
                                                                       (554, "5.7.1")]
    assert document["comparison"]["name"] == "550 5.1.1-554 5.7.1"
    assert document["comparison"]["authored"] is True


def test_linter_checks_pair_names_and_fields(tmp_path: Path) -> None:
    real = default_library().root
    for kind in ("codes", "keys", "compare"):
        for lang in LANGS:
            text = (real / f"{kind}.{lang}.toml").read_text(encoding="utf-8")
            (tmp_path / f"{kind}.{lang}.toml").write_text(text, encoding="utf-8")
    codes = tmp_path / "codes.en.toml"
    codes.write_text(codes.read_text(encoding="utf-8")
                     .replace('[pairs."452 4.2.2"]', '[pairs."452 5.2.2"]')
                     + '\n[pairs."559 5.5.9"]\ntitle = "x"\n', encoding="utf-8")
    problems = "\n".join(check_library(Library(tmp_path)))
    assert '[pairs."452 5.2.2"]: name must be a reply code, a space and an enhanced code' \
        in problems
    assert '[pairs."452 4.2.2"]: missing' in problems
    assert '[pairs."559 5.5.9"]: code 559 has no [codes.559] entry' in problems
    assert '["452 4.2.2-452 4.5.3"]: name must be two or more known codes' in problems


@pytest.mark.parametrize(("lang", "shown"), [("en", 'state "greeted"'),
                                             ("zh", "处于“greeted”（已打招呼）状态")])
def test_state_names_are_glossed_in_chinese(lang: str, shown: str) -> None:
    [exchange] = send(session_after(b"EHLO c.example\r\n"), "NOOP")
    assert shown in annotate(exchange, lang).fix
