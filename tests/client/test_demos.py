"""Demo sources: a teacher's script file and its companion are read bounded, and the header's
server setup is checked as the command line's is."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from simulator.client.demos import demo_policy, load_demo
from simulator.client.demoscript import DemoScriptError
from tests.hostile_files import DEEP, KINDS, make
from tests.wording import says

SCRIPT = "#: title = \"Hello\"\nEHLO a.example\nQUIT\n"
DEEP_HEADER = "#: z = " + "[" * DEEP + "]" * DEEP + "\nEHLO a.example\n"


def _refused(source: Path) -> DemoScriptError:
    started = time.monotonic()
    with pytest.raises(DemoScriptError) as caught:
        load_demo(str(source))
    assert time.monotonic() - started < 2
    return caught.value


@pytest.mark.parametrize("kind", KINDS)
def test_a_script_that_is_not_a_small_text_file_is_refused_naming_it(
        tmp_path: Path, kind: str) -> None:
    path = make(kind, tmp_path / "talk.run", DEEP_HEADER)
    error = _refused(path)
    assert error.text("en").startswith(str(path))
    assert error.text("zh").startswith(str(path)) and error.text("zh") != error.text("en")


@pytest.mark.parametrize("kind", KINDS)
def test_a_companion_that_is_not_a_small_toml_file_is_refused_naming_it(
        tmp_path: Path, kind: str) -> None:
    (tmp_path / "talk.run").write_text(SCRIPT, encoding="utf-8")
    companion = make(kind, tmp_path / "talk.toml")
    assert str(companion) in _refused(tmp_path / "talk.run").text("en")


def test_a_good_script_and_companion_still_load(tmp_path: Path) -> None:
    (tmp_path / "talk.run").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "talk.toml").write_text('summary = "Greetings"\n', encoding="utf-8")
    demo = load_demo(str(tmp_path / "talk.run"))
    assert demo is not None and demo.script("en").title("en") == "Hello"
    assert demo.summary("en") == "Greetings"


@pytest.mark.parametrize("hostname", ["mx\r\n250 forged", "mx\x1b[2J", "", "-mx", "a b"])
def test_a_header_hostname_is_checked_as_serve_checks_it(hostname: str) -> None:
    with pytest.raises(DemoScriptError) as caught:
        demo_policy({"hostname": hostname})
    assert "hostname" in caught.value.text("en") and "hostname" in caught.value.text("zh")


@pytest.mark.parametrize("size", ["big", 0, -5, 1.5, True])
def test_a_header_max_size_that_is_not_a_positive_number_is_refused(size: object) -> None:
    with pytest.raises(DemoScriptError) as caught:
        demo_policy({"max_size": size})
    assert "max_size" in caught.value.text("en") and "max_size" in caught.value.text("zh")


def test_a_good_header_setup_is_used() -> None:
    policy = demo_policy({"hostname": "mx.school.example", "max_size": 2000})
    assert (policy.hostname, policy.max_message_size) == ("mx.school.example", 2000)


def test_a_header_scenario_that_is_a_fifo_is_refused_in_the_presenters_language(
        tmp_path: Path) -> None:
    path = make("fifo", tmp_path / "rules.toml")
    with pytest.raises(DemoScriptError) as caught:
        demo_policy({"scenario": str(path)})
    assert says(caught.value.text("zh"), "files.not-a-file", "zh", path=path)
    assert says(caught.value.text("en"), "files.not-a-file", path=path)
