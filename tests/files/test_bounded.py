"""The bounded reader: regular files only, at most the limit, at most MAX_DEPTH levels."""

from __future__ import annotations

import os
import time
import tomllib
from pathlib import Path

import pytest

from simulator.files import (
    MAX_DEPTH,
    FileRefused,
    open_output,
    parse_json,
    parse_toml,
    read_bytes,
    read_json,
    read_text,
    read_toml,
)
from simulator.lessons.refusals import say
from tests.hostile_files import DEEP_JSON, DEEP_TOML, NOT_FILES, fifo
from tests.wording import says


def test_a_small_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('x = [1, [2, {y = "ü"}]]\n', encoding="utf-8")
    assert read_toml(path, 100) == {"x": [1, [2, {"y": "ü"}]]}
    assert read_bytes(path, 100) == path.read_bytes()


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    path = NOT_FILES[kind](tmp_path / "x.toml")
    started = time.monotonic()
    with pytest.raises(FileRefused) as caught:
        read_bytes(path, 1000)
    assert time.monotonic() - started < 1
    assert caught.value.reason == "not-a-file"
    assert says(say(caught.value, "en"), "files.not-a-file", path=path)
    assert says(say(caught.value, "zh"), "files.not-a-file", "zh", path=path)


def test_a_file_past_the_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 101)
    with pytest.raises(FileRefused) as caught:
        read_bytes(path, 100)
    assert says(say(caught.value, "en"), "files.too-large", path=path, limit=100)
    assert says(say(caught.value, "zh"), "files.too-large", "zh", path=path, limit=100)
    path.write_bytes(b" " * 100)
    assert len(read_bytes(path, 100)) == 100


def test_a_missing_file_is_still_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "none", 10)


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.run"
    path.write_bytes(b"caf\xe9\n")
    with pytest.raises(FileRefused, match="not-utf8"):
        read_text(path, 100)
    assert read_text(path, 100, errors="surrogateescape") == "caf\udce9\n"


@pytest.mark.parametrize(("parse", "text", "kind"), [(parse_toml, DEEP_TOML, "TOML"),
                                                    (parse_json, DEEP_JSON, "JSON")])
def test_values_nested_past_the_parser_are_refused_not_a_recursion_error(
        parse: object, text: str, kind: str) -> None:
    assert callable(parse)
    with pytest.raises(FileRefused) as caught:
        parse(text, "deep.file")
    message = say(caught.value, "en")
    assert message.startswith(f"deep.file is not usable {kind}") and str(MAX_DEPTH) in message
    assert "嵌套" in say(caught.value, "zh")


def test_nesting_the_parser_survives_is_still_bounded(tmp_path: Path) -> None:
    just = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_json(just, "ok.json") is not None
    path = tmp_path / "mid.json"
    path.write_text("[" * 100 + "]" * 100)
    with pytest.raises(FileRefused, match="too-deep"):
        read_json(path, 1000)
    with pytest.raises(tomllib.TOMLDecodeError):
        parse_toml("x = = 1", "bad.toml")


def test_reading_lesson_data_loads_no_trio() -> None:
    """The reader is below the server package: ``smtp-sim explain`` and the lessons stay
    free of trio (and its startup time) though they read through it."""
    import subprocess
    import sys

    code = "import sys, simulator.lessons.scenarios, simulator.files; print('trio' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False"]


def test_a_fifo_nobody_reads_is_refused_for_writing_at_once(tmp_path: Path) -> None:
    """``serve --log``, ``demo --record`` and ``:save`` opened their file plainly: a FIFO
    with no reader made open() wait for ever (held-out attack on issue 18)."""
    path = fifo(tmp_path / "log.jsonl")
    started = time.monotonic()
    with pytest.raises(FileRefused) as caught:
        open_output(path, append=True)
    assert time.monotonic() - started < 1
    assert caught.value.reason == "no-reader"
    assert says(say(caught.value, "en"), "files.no-reader", path=path)
    assert says(say(caught.value, "zh"), "files.no-reader", "zh", path=path)


def test_a_fifo_with_a_reader_and_a_regular_file_are_written(tmp_path: Path) -> None:
    path = fifo(tmp_path / "pipe")
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with open_output(path) as out:
            assert os.get_blocking(out.fileno())  # written as any pipe is, not dropped
            out.write("line\n")
        assert os.read(reader, 100) == b"line\n"
    finally:
        os.close(reader)
    plain = tmp_path / "plain.txt"
    plain.write_text("old\n")
    with open_output(plain, append=True) as out:
        assert out.name == str(plain)  # the log says which file stopped by this name
        out.write("new\n")
    with open_output(tmp_path / "fresh.txt") as out:
        out.write("ü")
    assert plain.read_text() == "old\nnew\n"
    assert (tmp_path / "fresh.txt").read_text(encoding="utf-8") == "ü"
