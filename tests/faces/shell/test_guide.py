"""A guide knows the console only as a screen: it can write on it in the learner's language
and see which prompt is up, and nothing else (no connection, store, settings, transcript);
and guide.py imports no part of the console, so no import circle ties them."""

from __future__ import annotations

import ast
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import simulator.faces.shell as shell
from simulator.client.connection import Step
from simulator.faces.prompt.spec import MetaSpec
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.course import on_virtual_clock, play_script
from simulator.faces.shell.link import ConsoleSettings
from simulator.faces.shell.screen import Fragments, Screen


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data directory (saved :lang, certificates) is the test's own."""
    monkeypatch.setenv("SMTP_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def imported(module: str) -> set[str]:
    """Every module ``module`` imports, type-checking-only imports included."""
    tree = ast.parse((Path(shell.__file__).parent / f"{module}.py").read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("module", ["guide", "screen"])
def test_the_guide_protocol_imports_no_part_of_the_console(module: str) -> None:
    parts = ("context", "link", "terminal", "app", "lines", "metacmds")
    assert not [name for name in imported(module) if name.rsplit(".", 1)[-1] in parts]


@dataclass
class Watcher:
    """A guide that keeps what it was handed and writes one line on each step."""

    screens: list[Screen] = field(default_factory=list)
    prompts: list[bool] = field(default_factory=list)
    specs: tuple[MetaSpec, ...] = ()
    done: bool = False

    def help_text(self, name: str, lang: str) -> str:
        return name

    def begin(self, screen: Screen) -> None:
        self.screens.append(screen)
        screen.show([("class:title", f"goal panel ({screen.lang})\n")])

    def observe(self, screen: Screen, step: Step) -> None:
        self.screens.append(screen)
        self.prompts.append(screen.in_data)
        screen.say("usage", usage=f"seen {len(step.answers)}")

    def handle(self, screen: Screen, line: str) -> bool | None:
        return None

    def toolbar(self, screen: Screen, width: int) -> Fragments:
        return []


def test_a_guide_is_handed_the_screen_and_nothing_more() -> None:
    out = io.StringIO()
    watcher = Watcher()
    ctx = ConsoleContext(ConsoleSettings(lang="zh"), out, guide=watcher)
    lines = ["EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "DATA",
             "Hi.", ".", ":quit"]
    on_virtual_clock(lambda: play_script(ctx, lines))
    shown = out.getvalue()
    assert "goal panel (zh)" in shown and "seen 1" in shown  # its writing is on the screen
    assert watcher.prompts[4:] == [True, True, False]  # data> after 354 and "Hi.", not "."
    for screen in watcher.screens:
        for inner in ("link", "connection", "settings", "transcript", "guide", "policy"):
            assert not hasattr(screen, inner), inner
    assert len(watcher.prompts) == 7  # the console's own QUIT (:quit) is not a step


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_guide_speaks_the_language_the_learner_switches_to(lang: str) -> None:
    out = io.StringIO()
    watcher = Watcher()
    ctx = ConsoleContext(ConsoleSettings(lang="en"), out, guide=watcher)
    on_virtual_clock(lambda: play_script(ctx, [f":lang {lang}", "NOOP"]))
    assert watcher.screens[-1].lang == lang
