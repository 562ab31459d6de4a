"""Where demo scripts come from: a teacher's file (and its companion ``.toml``), or a
built-in demo under ``lessons/demos/`` with narration in every language.

Also what a script's header asks of the built-in server: the Policy it runs with, or the
feature this build lacks (then the demo says so instead of playing something else).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from simulator.files import FileRefused, read_text
from simulator.lessons.classroom import demo_names, demo_texts
from simulator.lessons.scenarios import ScenarioError, load_scenario
from simulator.options.records import OptionError
from simulator.protocol import Policy
from simulator.protocol.rules import Scenario
from simulator.server.addresses import valid_hostname

from .demoscript import DemoScript, DemoScriptError, header_text, parse_script, same_actions

FEATURES: dict[str, str] = {}
"""Header keys that need a server feature this build does not have yet, and its name (none
since STARTTLS and AUTH landed; a future feature is listed here until it does)."""
MAX_DEMO_FILE: Final = 1024 * 1024
"""The largest script or companion file read, in octets (a long demo is a few kilobytes)."""
DEMO_SEED = 1
"""The seed of a scenario's randomness in a demo: a step back replays the very same replies."""


@dataclass(frozen=True, slots=True)
class LoadedDemo:
    """A script ready to play: one DemoScript per language (the same steps in each)."""

    name: str
    scripts: Mapping[str, DemoScript]
    builtin: bool

    def script(self, lang: str) -> DemoScript:
        return self.scripts.get(lang) or next(iter(self.scripts.values()))

    def summary(self, lang: str) -> str:
        return header_text(self.script(lang).header, "summary", lang)


def missing_feature(header: Mapping[str, Any]) -> str | None:
    """The feature a header asks for that this build cannot give, else None."""
    for key, feature in FEATURES.items():
        if header.get(key):
            return feature
    return None


def demo_scenario(header: Mapping[str, Any]) -> Scenario | None:
    """The scenario a header names (None: strict), seeded for replay; DemoScriptError when
    it cannot be loaded (the message says why)."""
    name = header.get("scenario")
    if name is None:
        return None
    seed = header.get("seed", DEMO_SEED)
    try:
        return load_scenario(str(name), overrides={"seed": seed if isinstance(seed, int)
                                                  else DEMO_SEED})
    except ScenarioError as err:
        if err.refused is not None:  # said in the presenter's language
            raise DemoScriptError.refused(err.refused) from err
        raise DemoScriptError("scenario", error=err) from err
    except OptionError as err:  # no such built-in scenario: said in the presenter's language
        raise DemoScriptError(f"options.{err.key}", **err.fields) from err


def demo_policy(header: Mapping[str, Any], base: Policy | None = None,
                scenario: Scenario | None = None) -> Policy:
    """The built-in server's Policy for a script's header; ``scenario`` (the command line's)
    before the header's. Raises DemoScriptError when the header asks for what this build
    lacks, or names a scenario that cannot be loaded."""
    feature = missing_feature(header)
    if feature is not None:
        raise DemoScriptError("needs", feature=feature)
    base = base or Policy()
    hostname = header.get("hostname", base.hostname)
    if not isinstance(hostname, str) or not valid_hostname(hostname):
        raise DemoScriptError("bad-hostname", value=repr(hostname))
    size = header.get("max_size", base.max_message_size)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise DemoScriptError("bad-max-size", value=repr(size))
    return Policy(hostname=hostname, max_message_size=size,
                  accept_bare_lf=bool(header.get("accept_bare_lf", base.accept_bare_lf)),
                  scenario=scenario or demo_scenario(header) or base.scenario)


def builtin_demo(name: str) -> LoadedDemo | None:
    """A built-in demo by name; None when there is none. Its languages must agree."""
    found = demo_texts(name)
    if found is None:
        return None
    runs, companion = found
    scripts = {lang: parse_script(text, where=f"lessons/demos/{name}.{lang}.run",
                                  companion=companion) for lang, text in runs.items()}
    first = next(iter(scripts.values()))
    for lang, script in scripts.items():
        if not same_actions(first, script):
            raise DemoScriptError("languages-differ", where=f"lessons/demos/{name}.{lang}.run")
    return LoadedDemo(name, scripts, builtin=True)


def builtin_names(*, playable: bool | None = None) -> tuple[str, ...]:
    """Built-in demo names; ``playable=True`` only those this build can play."""
    names = demo_names()
    if playable is None:
        return names
    out = []
    for name in names:
        demo = builtin_demo(name)
        ok = demo is not None and missing_feature(demo.script("en").header) is None
        if ok is playable:
            out.append(name)
    return tuple(out)


def load_demo(source: str) -> LoadedDemo | None:
    """A script file (with its companion ``.toml``, if any), else a built-in demo by name.

    Whatever is at ``source`` is read as a script, through the bounded reader (a FIFO or
    /dev/zero is refused, naming it); only a folder, or nothing, may be a built-in's name.
    Raises DemoScriptError, or OSError when the file cannot be opened."""
    path = Path(source)
    if not os.path.lexists(path) or path.is_dir():
        found = builtin_demo(source)
        if found is not None or not path.is_dir():
            return found
    try:
        text = read_text(path, MAX_DEMO_FILE, errors="surrogateescape")
        companion_path = path.with_suffix(".toml")
        companion = None
        if companion_path != path and os.path.lexists(companion_path):
            companion = read_text(companion_path, MAX_DEMO_FILE)
    except FileRefused as refused:
        raise DemoScriptError.refused(refused) from None
    script = parse_script(text, where=str(path), companion=companion,
                          companion_where=str(companion_path))
    return LoadedDemo(path.stem, {"any": script}, builtin=False)
