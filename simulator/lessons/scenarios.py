"""Scenario files: TOML rule files read, checked and turned into the engine's Scenario.

A built-in scenario is one such file in ``lessons/scenarios/`` (``strict``, ``realistic``,
``chaos``), so a teacher copies one and edits it. A file is checked whole before anything
is used: every problem is reported with the file, the rule and the field, and a file with a
problem is refused entirely (:class:`ScenarioError`); nothing half-loads. Pure: the only I/O
is reading the file.
"""

from __future__ import annotations

import dataclasses
import random
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from simulator.files import FileRefused, read_toml
from simulator.options.records import OptionError, ScenarioOptions
from simulator.protocol.rules import Scenario
from simulator.protocol.zone import zone_of

from .load import LANGS, data_root
from .refusals import say
from .scenario_check import NAME_RE, Checker
from .ui import text

MAX_FILE: Final = 8 << 20
"""Octets of a scenario file: 10,000 rules with their explanations fit in a few."""


class ScenarioError(Exception):
    """A scenario file that cannot be used; the message names file, rule and field.

    ``refused``: the reader's refusal when the file was not read at all (a FIFO, too large,
    nested too deep), which :meth:`text` says in the user's language."""

    def __init__(self, message: str, refused: FileRefused | None = None) -> None:
        super().__init__(message)
        self.refused = refused

    def text(self, lang: str) -> str:
        """The message in ``lang`` (the checker's problems are English, as the file's keys)."""
        return str(self) if self.refused is None else say(self.refused, lang)


def builtin_dir() -> Path:
    return Path(str(data_root() / "scenarios"))


def builtin_names() -> tuple[str, ...]:
    """The built-in scenarios: ``strict`` first, then the others by name."""
    names = sorted(path.stem for path in builtin_dir().glob("*.toml"))
    return tuple(sorted(names, key=lambda name: name != "strict"))


def resolve(name_or_path: str) -> Path:
    """A built-in's file for a name (``realistic``), else the path given."""
    if NAME_RE.fullmatch(name_or_path) and name_or_path in builtin_names():
        return builtin_dir() / f"{name_or_path}.toml"
    if not name_or_path.endswith(".toml"):
        raise OptionError("unknown-scenario", name=name_or_path,
                          known=", ".join(builtin_names()))
    return Path(name_or_path)


def load_scenario(name_or_path: str, *, overrides: Mapping[str, object] | None = None,
                  lang: str = LANGS[0]) -> Scenario:
    """The Scenario of a built-in name or a file, with command-line ``overrides`` applied
    (``greylist_delay``, ``rate_limit``, ``fault_rate``, ``seed``; None values are ignored).

    Raises ScenarioError with every problem found, one per line (in ``lang`` where the
    words are lesson data).
    """
    scenario = _load(resolve(name_or_path), depth=0, lang=lang)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    return dataclasses.replace(scenario, **given) if given else scenario  # type: ignore[arg-type]


def from_options(name: str | None, *, greylist_delay: float | None = None,
                 rate_limit: int | None = None, fault_rate: float | None = None,
                 seed: int | None = None, lang: str = LANGS[0]) -> Scenario:
    """The scenario of ``--scenario`` and its options (``strict`` when none is given).

    Without ``--seed`` a seed is picked at random (and shown by serve and ``:scenario``,
    so a run worth repeating can be replayed). Raises OptionError for an option out of its
    range or an unknown name, ScenarioError for a file that cannot be used.
    """
    if greylist_delay is not None and not 0 <= greylist_delay <= 86400:
        raise OptionError("bad-greylist-delay", value=f"{greylist_delay:g}")
    if rate_limit is not None and rate_limit < 1:
        raise OptionError("bad-rate-limit", value=rate_limit)
    if fault_rate is not None and not 0 <= fault_rate <= 1:
        raise OptionError("bad-fault-rate", value=f"{fault_rate:g}")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 1_000_000)
    return load_scenario(name or "strict", lang=lang, overrides={
        "greylist_delay": greylist_delay, "rate_limit": rate_limit, "fault_rate": fault_rate,
        "seed": seed})


def chosen(options: ScenarioOptions, *, lang: str = LANGS[0],
           seed: int | None = None) -> Scenario:
    """:func:`from_options` for the command line's record; ``seed``: the face's own when
    ``--seed`` is not given (a demo plays the same way each time)."""
    return from_options(options.name, greylist_delay=options.greylist_delay,
                        rate_limit=options.rate_limit, fault_rate=options.fault_rate,
                        seed=options.seed if options.seed is not None else seed, lang=lang)


def check_file(path: str, lang: str = LANGS[0]) -> list[str]:
    """Every problem of one scenario file (empty when it is fine)."""
    try:
        _load(resolve(path), depth=0, lang=lang)
    except ScenarioError as err:
        return str(err).splitlines()
    except OptionError as err:
        return [text(f"options.{err.key}", lang, **err.fields)]
    return []


def _read(path: Path, lang: str) -> Mapping[str, Any]:
    """The parsed file, through the one bounded reader (simulator/files/bounded.py): at most
    MAX_FILE octets, a regular file, nested at most so deep."""
    try:
        return read_toml(path, MAX_FILE)
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read it: {err.strerror or err}") from None
    except FileRefused as refused:  # not a regular file, too large, too deep, not UTF-8
        raise ScenarioError(say(refused, lang), refused) from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: not valid TOML: {err}") from None


def _load(path: Path, *, depth: int, lang: str) -> Scenario:
    doc = _read(path, lang)
    checker = Checker(str(path), lang)
    scenario = checker.scenario(path.stem, doc)
    base_name = doc.get("base")
    base: Scenario | None = None
    if base_name is not None:
        if not isinstance(base_name, str) or base_name not in builtin_names() or depth > 0:
            checker.report("", "base", f"must name a built-in scenario "
                                       f"({', '.join(builtin_names())})")
        else:
            base = _load(builtin_dir() / f"{base_name}.toml", depth=depth + 1, lang=lang)
    if checker.problems:
        raise ScenarioError("\n".join(checker.problems))
    return scenario if base is None else _on_top_of(base, scenario, doc)


def _on_top_of(base: Scenario, own: Scenario, doc: Mapping[str, Any]) -> Scenario:
    """The file's rules first (a rule named like one of the base's replaces it), then the
    base's; settings the file gives win."""
    names = {rule.name for rule in own.rules}
    rules = own.rules + tuple(rule for rule in base.rules if rule.name not in names)
    settings = {field: getattr(own, field) for field in
                ("greylist_delay", "rate_limit", "fault_rate", "client_address") if field in doc}
    if "dns" in doc:  # the file's names replace the base's, the others are kept
        settings["zone"] = zone_of({**base.zone.records, **own.zone.records})
    if "domains" in doc:
        settings["local_domains"] = own.local_domains
    if "later" in doc:
        settings["later"] = own.later
    if "dkim" in doc:
        settings["dkim_keys"] = own.dkim_keys
    return dataclasses.replace(base, name=own.name, titles=own.titles or base.titles,
                               rules=rules, **settings)
