"""The command line starts a face with the garbage collector paused while it imports, and
hands the face a collector as it found it."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from simulator.cli import command as cli
from simulator.cli.startup import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_on:
            gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_off_inside_and_on_again_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_comes_back_after_an_error() -> None:
    with pytest.raises(SystemExit), collector_paused():
        raise SystemExit(2)  # as argparse leaves on a usage error
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    was_on = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        if was_on:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_main_imports_the_face_without_collections_and_runs_it_with_them(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "startup_probe_face.py").write_text(
        "import gc\nIMPORTED_WITH_COLLECTOR = gc.isenabled()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "startup_probe_face", raising=False)
    ran_with_collector: list[bool] = []

    def face(options: object) -> int:
        ran_with_collector.append(gc.isenabled())
        return 7

    command = cli.Command(cli.COMMANDS["explain"].options, face, "startup_probe_face")
    monkeypatch.setattr(cli, "COMMANDS", MappingProxyType({**cli.COMMANDS, "explain": command}))
    assert cli.main(["explain", "221"]) == 7
    assert sys.modules["startup_probe_face"].IMPORTED_WITH_COLLECTOR is False
    assert ran_with_collector == [True]


def test_each_command_names_the_module_its_face_imports() -> None:
    for name, command in cli.COMMANDS.items():
        importlib.import_module(command.module)
        # ``from ..faces.serve.main import run_serve`` names "faces.serve.main" in the face's code
        assert command.module.removeprefix("simulator.") in command.face.__code__.co_names, name
