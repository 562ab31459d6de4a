"""Scenarios in words: serve's start line, the console's ``:scenario``, the notice under a
delayed or missing reply, and which scenario sends a code (for ``smtp-sim explain``).

The sentences are data (``lessons/scenario-ui.LANG.toml``); who sends which code is not
written anywhere by hand but read from the catalogue and the built-in scenario files, so it
cannot drift from what the server does.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from simulator.protocol.authmatch import AuthMatch
from simulator.protocol.replies import CATALOGUE
from simulator.protocol.rules import CustomReply, Match, Rule, Scenario

from .load import default_library
from .scenario_check import FLAG_FIELDS, GLOB_FIELDS
from .scenarios import builtin_names, load_scenario
from .templates import fill
from .zone_check import AUTH_FIELDS

if TYPE_CHECKING:
    from simulator.protocol.events import Exchange

from .ui import text as ui_text

KIND: Final = "scenario-ui"
TEXTS: Final = ("start", "greylist_delay", "rate_limit", "fault_rate", "seed", "heading",
                "rules", "no_rules", "rule", "domains", "reply_key", "delay", "disconnect",
                "silent", "engine_reply", "waited",
                "hung_up", "remote", "sent_never", "sent_strict", "sent_scenario", "option",
                "sent_feature", "sent_teacher")
OPTIONS: Final = {"greylisted": "--greylist-delay", "rate_limited": "--rate-limit",
                  "fault": "--fault-rate"}
"""The command-line option that tunes each memory or chance condition."""
FEATURE_OPTIONS: Final = (("tls.required", "--require-tls"), ("auth.required", "--require-auth"),
                          ("tls.", "--tls"), ("sequence.starttls-", "--tls"),
                          ("auth.", "--auth"), ("sequence.auth-", "--auth"),
                          ("session.greeting-watch", "--web"))
"""(reply key or key prefix, the option without which no scenario sends it): STARTTLS (RFC
3207) and AUTH (RFC 4954) are offered only when smtp-sim is started with them, the greeting
naming a web page only by ``serve --web``; the first match decides."""


def _feature_option(key: str) -> str | None:
    return next((option for prefix, option in FEATURE_OPTIONS if key.startswith(prefix)), None)


def text(entry: str, lang: str, /, **fields: object) -> str:
    """One sentence of ``scenario-ui.LANG.toml``, filled."""
    table = default_library().table(KIND, lang, "texts")
    return fill(str(table.get(entry, entry)), {k: str(v) for k, v in fields.items()})


def start_lines(scenario: Scenario, lang: str = "en") -> list[str]:
    """What ``serve`` prints after its listening line: the scenario and the settings its
    rules use."""
    lines = [text("start", lang, name=scenario.name, title=scenario.title(lang))]
    settings = _settings(scenario, lang)
    return [*lines, settings] if settings else lines


def _draws(rule: Rule) -> bool:
    """Does ``rule`` draw from the session's seeded generator (so ``--seed`` replays it)?"""
    low, high = rule.delay
    return rule.match.fault is not None or rule.match.chance is not None or low != high


def _settings(scenario: Scenario, lang: str) -> str | None:
    """Only what the rules really use: realistic greylists and limits rates but draws no
    random faults, so it shows no fault rate nor seed; None when the rules use none."""
    uses = {name: any(getattr(rule.match, name) is not None for rule in scenario.rules)
            for name in OPTIONS}
    parts = [text(entry, lang, value=f"{value:g}" if isinstance(value, float) else value)
             for entry, used, value in (
        ("greylist_delay", uses["greylisted"], scenario.greylist_delay),
        ("rate_limit", uses["rate_limited"], scenario.rate_limit),
        ("fault_rate", uses["fault"], scenario.fault_rate),
        ("seed", any(_draws(rule) for rule in scenario.rules), scenario.seed)) if used]
    return ui_text("words.list-separator", lang).join(parts) or None


def describe(scenario: Scenario, lang: str = "en") -> list[str]:
    """The console's ``:scenario``: name, title, domains, settings and every rule."""
    lines = [text("heading", lang, name=scenario.name, title=scenario.title(lang))]
    if not scenario.rules:
        return [*lines, text("no_rules", lang)]
    if scenario.local_domains:
        listed = ui_text("words.name-separator", lang).join(scenario.local_domains)
        lines.append(text("domains", lang, domains=listed))
    settings = _settings(scenario, lang)
    lines += [*([settings] if settings else []), text("rules", lang)]
    for number, rule in enumerate(scenario.rules, 1):
        lines.append(text("rule", lang, number=number, name=rule.name, on=rule.on.value,
                          match=_match(rule.match), action=_action(rule, lang)))
    return lines


def _match(match: Match) -> str:
    parts = [f"{name} = {', '.join(getattr(item, 'text', item) for item in getattr(match, name))}"
             for name in GLOB_FIELDS if getattr(match, name)]
    if match.argument is not None:
        parts.append(f"argument ~ {match.argument.pattern}")
    parts += [f"{name} = {value}" for name, value in (("nth", match.nth),
                                                      ("chance", match.chance))
              if value is not None]
    parts += [f"{name} = {str(getattr(match, name)).lower()}" for name in FLAG_FIELDS
              if getattr(match, name) is not None]
    auth = match.auth
    if auth is not None:  # the verdicts against the zone (zone_check.AUTH_FIELDS)
        parts += [f"{name} = {value}" for name, value in _auth_parts(auth)]
    return f" ({'; '.join(parts)})" if parts else ""


def _auth_parts(auth: AuthMatch) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for name in AUTH_FIELDS:
        value = getattr(auth, name)
        if isinstance(value, tuple) and value:
            found.append((name, ", ".join(value)))
        elif isinstance(value, bool):
            found.append((name, str(value).lower()))
    return found


def _action(rule: Rule, lang: str) -> str:
    parts: list[str] = []
    low, high = rule.delay
    if high:
        parts.append(text("delay", lang, delay=f"{low:g}" if low == high else f"{low:g}-{high:g}"))
    if isinstance(rule.reply, CustomReply):
        parts.append(f"{rule.reply.code} {rule.reply.enhanced or ''} {rule.reply.text}"
                     .replace("  ", " "))
    elif isinstance(rule.reply, str):
        spec = CATALOGUE[rule.reply]
        parts.append(text("reply_key", lang, code=spec.code, enhanced=spec.enhanced or "",
                          key=rule.reply))
    elif not rule.disconnect:
        parts.append(text("engine_reply", lang))
    if rule.disconnect:
        parts.append(text("silent" if rule.reply is None else "disconnect", lang))
    return ui_text("words.list-separator", lang).join(parts)


def notice(exchange: Exchange, lang: str = "en") -> str | None:
    """The line to show with a reply a rule delayed, or in place of one never sent."""
    if exchange.hang_up:
        return text("hung_up", lang)
    if exchange.delay:
        return text("waited", lang, seconds=f"{exchange.delay:g}")
    return None


@functools.cache
def _builtins() -> tuple[Scenario, ...]:
    return tuple(load_scenario(name) for name in builtin_names())


def _scenario_codes(scenario: Scenario) -> Mapping[int, list[Rule]]:
    found: dict[int, list[Rule]] = {}
    for rule in scenario.rules:
        if isinstance(rule.reply, CustomReply):
            code = rule.reply.code
        elif isinstance(rule.reply, str):
            code = CATALOGUE[rule.reply].code
        else:
            continue
        found.setdefault(code, []).append(rule)
    return found


RULE_ONLY: Final = frozenset({"rcpt.no-reverse-dns"})
"""Catalogue replies only a rule sends that no built-in scenario turns on (reverse DNS is
left to a teacher: a classroom's own machines seldom have it)."""


def sent_by(code: int, lang: str = "en") -> str:
    """Who sends ``code``: every scenario, some built-in scenarios (which rule and option),
    or nobody here (a code learners meet only from real servers)."""
    scenario_keys = {rule.reply for s in _builtins() for rule in s.rules
                     if isinstance(rule.reply, str)}
    always = sorted(key for key, spec in CATALOGUE.items()
                    if spec.code == code and key not in scenario_keys
                    and key != "session.hung-up" and key not in RULE_ONLY)
    names = ui_text("words.name-separator", lang)  # 、 in Chinese
    plain = [key for key in always if _feature_option(key) is None]
    sentences = [text("sent_strict", lang, code=code, keys=names.join(plain))] if plain else []
    for option in dict.fromkeys(o for _, o in FEATURE_OPTIONS):
        gated = [key for key in always if _feature_option(key) == option]
        if gated:
            sentences.append(text("sent_feature", lang, code=code, option=option,
                                  keys=names.join(gated)))
    for scenario in _builtins():
        rules = _scenario_codes(scenario).get(code, [])
        if not rules:
            continue
        options = sorted({OPTIONS[name] for rule in rules for name in OPTIONS
                          if getattr(rule.match, name) is not None})
        sentences.append(text(
            "sent_scenario", lang, code=code, scenario=scenario.name,
            rules=names.join(rule.name for rule in rules),
            options="".join(text("option", lang, option=option) for option in options)))
    teacher = [key for key in sorted(RULE_ONLY) if CATALOGUE[key].code == code
               and key not in scenario_keys]
    if teacher:
        sentences.append(text("sent_teacher", lang, code=code, keys=names.join(teacher)))
    joined = ui_text("words.sentence-separator", lang).join(sentences)
    return joined or text("sent_never", lang, code=code)
