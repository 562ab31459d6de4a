"""``smtp-sim explain``: the seed pair has all five sections in both languages, Markdown
has headings, JSON parses, colour only on a terminal, bad codes exit 2 with a message."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from simulator.cli.command import main
from simulator.lessons.bounces import LIMIT, read_bounce
from simulator.lessons.entries import code_entry, labels
from simulator.lessons.ui import text
from simulator.render.wrap import text_width
from tests.hostile_files import NOT_FILES
from tests.wording import opening, said, says, written

SECTIONS = {lang: tuple(labels(lang)[name] for name in
                        ("description", "when", "fix", "difference", "which"))
            for lang in ("en", "zh")}


def explain(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["explain", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seed_pair_has_all_five_sections(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    status, out, err = explain(capsys, "221", "500", "--lang", lang)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("SMTP 221 ")
    for heading in SECTIONS[lang]:
        assert heading in lines, heading
    assert lines.count(SECTIONS[lang][0]) == 2  # a description for each code
    assert "\x1b" not in out  # captured output is not a terminal


def test_default_language_is_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain(capsys, "354")
    assert status == 0
    assert out.startswith(f"SMTP 354 {code_entry(354, 'en').title}\n")
    assert labels("en")["description"] in out and labels("en")["difference"] not in out


@pytest.mark.parametrize("width", [60, 120])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_wraps_to_the_terminal_width(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch, width: int,
                                          lang: str) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    _, out, _ = explain(capsys, "451", "554", "--lang", lang)
    widths = [text_width(line) for line in out.splitlines()]
    assert max(widths) <= width
    assert max(widths) > width - 10  # the width is used, not a fixed narrow column


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_has_headings(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    status, out, _ = explain(capsys, "221", "500", "--format", "markdown", "--lang", lang)
    assert status == 0
    assert out.startswith("# SMTP 221 ")
    for heading in SECTIONS[lang]:
        assert any(line.startswith("#") and line.endswith(heading)
                   for line in out.splitlines()), heading


def test_json_parses(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain(capsys, "500", "221", "--format", "json", "--lang", "zh")
    assert status == 0
    document = json.loads(out)
    assert document["lang"] == "zh"
    assert [c["code"] for c in document["codes"]] == [500, 221]
    assert document["codes"][0]["class"]["first"]["name"] == "5xx"
    assert document["comparison"]["authored"] is True
    assert "主要区别" not in document["comparison"]["difference"]  # text, not headings
    assert document["comparison"]["codes"] == [221, 500]


def test_enhanced_code_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain(capsys, "5.1.1")
    assert status == 0
    assert f"5.1.1 {written('codes', 'enhanced', 'X.1.1', 'title')}" in out


@pytest.mark.parametrize(("argv", "key", "fields"), [
    (["abc"], "not-a-code", {"code": "'abc'"}),
    (["7"], "not-a-code", {"code": "'7'"}),
    (["699"], "not-a-code", {"code": "'699'"}),
    (["221", "5o0"], "not-a-code", {"code": "'5o0'"}),
    (["259"], "unknown-code", {"code": 259}),
    (["5.9.9"], "unknown-enhanced", {"code": "5.9.9"}),
])
def test_bad_codes_exit_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str],
                                         key: str, fields: dict[str, object]) -> None:
    status, out, err = explain(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith(opening("explain.error")) and says(err, f"explain.{key}", **fields)
    if key == "unknown-code":
        [known] = said(err, "explain.unknown-code", "known")
        assert known.startswith("211 214")


def _spawn(*argv: str, env: dict[str, str]) -> str:
    child = pexpect.spawn(sys.executable, ["-m", "simulator", "explain", *argv], env=env,
                          encoding="utf-8", dimensions=(40, 100), timeout=30)
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    return out


def test_colour_on_a_terminal_and_not_with_no_color() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    assert "\x1b[" in _spawn("221", env=env)
    assert "\x1b[" not in _spawn("221", "--no-color", env=env)
    assert "\x1b[" not in _spawn("221", env={**env, "NO_COLOR": "1"})


def test_terminal_width_is_taken_from_the_terminal() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    out = _spawn("221", "500", "--lang", "zh", "--no-color", env=env)
    widths = [text_width(line) for line in out.replace("\r\n", "\n").splitlines()]
    assert 90 < max(widths) <= 100


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_enhanced_code_of_another_class_is_refused(capsys: pytest.CaptureFixture[str],
                                                      lang: str) -> None:
    status, out, err = explain(capsys, "250", "5.1.1", "--lang", lang)
    assert status == 2 and out == ""
    assert "RFC 3463 §2" in err and "2.x.x" in err


def test_a_reply_code_and_its_enhanced_code_are_read_as_a_pair(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain(capsys, "550", "5.1.3")
    assert status == 0
    first = out.split("\n\n")[0]
    assert says(first, "explain.pair", code=550, enhanced="5.1.3", title=code_entry(550, "en").title,
                detail=written("codes", "enhanced", "X.1.3", "title"))


@pytest.mark.parametrize(("query", "shown", "digit"), [
    ("2xx", "2xx", ("first", "2")), ("5", "5xx", ("first", "5")),
    ("x5z", "x5z", ("second", "5")), ("X0Z", "x0z", ("second", "0")),
])
def test_class_queries(capsys: pytest.CaptureFixture[str], query: str, shown: str,
                       digit: tuple[str, str]) -> None:
    status, out, _ = explain(capsys, query)
    assert status == 0
    assert out.splitlines()[0].startswith(f"{shown} {written('codes', 'classes', *digit, 'title')}")


def test_an_unknown_detail_falls_back_to_its_subject_and_says_so(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain(capsys, "5.7.99")
    assert status == 0
    assert says(out, "explain.enhanced-fallback", code="5.7.99")
    assert f"{labels('en')['enhanced']} 5.7.x" in out


def test_the_class_line_fits_221(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = explain(capsys, "221")
    assert says("\n".join(out.splitlines()[1:3]), "meaning.221")  # the class line, wrapped
    assert written("codes", "classes", "first", "2", "meaning") not in out


def test_help_says_one_or_more(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    assert "one or more" in capsys.readouterr().out


# -- bounce mode: smtp-sim explain FILE.eml (or -) ----------------------------------------

BOUNCES = Path(__file__).resolve().parent.parent / "lessons" / "bounces"
BOUNCE_SAMPLES = ("rfc3464.eml", "postfix.eml", "gmail.eml", "microsoft.eml", "swaks.txt")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", BOUNCE_SAMPLES)
def test_a_bounce_file_is_explained_recipient_by_recipient(
        capsys: pytest.CaptureFixture[str], name: str, lang: str) -> None:
    status, out, err = explain(capsys, str(BOUNCES / name), "--lang", lang, "--no-color")
    assert status == 0 and err == ""
    for heading in ("said", "meaning", "who", "retry"):
        assert f"  {text(f'bounce.{heading}', lang)}\n" in out, heading
    bounce = read_bounce((BOUNCES / name).read_bytes())
    for failure in bounce.failures:
        assert f"{failure.recipient} · " in out


def test_standard_input_is_read_with_a_dash(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        (BOUNCES / "postfix.eml").read_bytes())))
    status, out, _ = explain(capsys, "-", "--format", "json", "--lang", "zh")
    assert status == 0
    document = json.loads(out)
    assert document["kind"] == "postfix" and document["lang"] == "zh"
    assert [r["recipient"] for r in document["recipients"]] == ["dave@yahoo.example"]
    assert document["recipients"][0]["retry_later"] is False


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bounce_as_markdown_has_a_heading_per_recipient(
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    status, out, _ = explain(capsys, str(BOUNCES / "rfc3464.eml"), "--format", "markdown",
                             "--lang", lang)
    assert status == 0 and out.startswith("# ")
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("## ")] == [
        "## bob@example.net", "## carol@example.com"]
    assert f"### {text('bounce.fix', lang)}" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_file_that_is_no_bounce_exits_2_with_a_sentence(
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    path = str(BOUNCES / "not-a-bounce.eml")
    status, out, err = explain(capsys, path, "--lang", lang)
    assert (status, out) == (2, "")
    assert err == text("bounce.error", lang,
                       error=text("bounce.not-a-bounce", lang, path=path)) + "\n"


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_what_is_not_a_file_exits_2_naming_it(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path, kind: str) -> None:
    path = NOT_FILES[kind](tmp_path / "bounce.eml")
    status, out, err = explain(capsys, str(path))
    assert (status, out) == (2, "")
    assert err == text("bounce.error", "en",
                       error=text("files.not-a-file", "en", path=str(path))) + "\n"


def test_a_missing_file_exits_2_naming_it(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    status, _, err = explain(capsys, str(tmp_path / "gone.eml"))
    assert status == 2
    assert err.startswith(opening("run.cannot-read", program="smtp-sim explain",
                                  file=tmp_path / "gone.eml"))


def test_a_too_large_input_is_refused(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * (LIMIT + 10))))
    status, _, err = explain(capsys, "-")
    assert status == 2 and str(LIMIT) in err


def test_deeply_nested_mime_exits_2(capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    path = tmp_path / "deep.eml"
    path.write_bytes(b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n'
                              % (i, i) for i in range(3000)))
    status, _, err = explain(capsys, str(path))
    assert status == 2 and "MIME" in err


# -- smtp-sim explain KEY: a reply key explained as the console explains its reply ---------

@pytest.mark.parametrize(("key", "lang"), [
    ("syntax.unknown-command", "en"), ("rcpt.user-unknown", "zh"),
    ("sequence.rcpt-before-mail", "en"), ("limits.line-too-long", "zh")])
def test_a_reply_key_is_explained_what_why_and_how_to_fix(
        capsys: pytest.CaptureFixture[str], key: str, lang: str) -> None:
    from simulator.lessons.key_lookup import explain_key

    status, out, err = explain(capsys, key, "--lang", lang, "--no-color")
    assert status == 0 and err == ""
    explained = explain_key(key, lang).annotation
    def flat(shown: str) -> str:  # wrapped at any width: compare without the spaces
        return "".join(shown.split())

    assert out.startswith(text("explain-key.heading", lang, name=key))
    assert flat(explained.title) in flat(out) and flat(explained.meaning) in flat(out)
    for label, value in ((labels(lang)["why"], explained.why),
                         (labels(lang)["fix"], explained.fix)):
        assert flat(f"{label}{labels(lang)['colon']}{value}") in flat(out)
    assert flat(text("explain-key.note", lang)) in flat(out)


def test_two_keys_are_explained_in_turn_and_as_json_and_markdown(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain(capsys, "session.quit", "rcpt.user-unknown", "--no-color")
    assert status == 0
    assert out.index(text("explain-key.heading", "en", name="session.quit")) < out.index(
        text("explain-key.heading", "en", name="rcpt.user-unknown"))
    assert "\n221 2.0.0 " in out and "\n550 5.1.1 <PATH>" in out
    status, out, _ = explain(capsys, "rcpt.user-unknown", "--format", "json")
    document = json.loads(out)
    assert status == 0 and [one["key"] for one in document] == ["rcpt.user-unknown"]
    assert document[0]["code"] == 550 and document[0]["reply"].startswith("550 5.1.1 ")
    status, out, _ = explain(capsys, "session.quit", "--format", "markdown", "--lang", "zh")
    assert status == 0 and out.startswith("## 回复键 session.quit")


@pytest.mark.parametrize(("argv", "shown"), [
    (["rcpt.user-unkown"], "The nearest ones: rcpt.user-unknown"),
    (["syntax.unknown-command", "rcpt.nobody-here"], "rcpt.nobody-here is no reply key"),
    (["foo.bar", "--lang", "zh"], "foo.bar 不是 smtp-sim 的回复键"),
])
def test_an_unknown_key_exits_2_naming_the_nearest(
        capsys: pytest.CaptureFixture[str], argv: list[str], shown: str) -> None:
    status, out, err = explain(capsys, *argv)
    assert status == 2 and out == ""
    assert shown in err and "Traceback" not in err
