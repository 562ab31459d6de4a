"""The checks of one scenario file, field by field, building the engine's rule objects.

Every problem is collected (not just the first), each naming the file, the rule and the
field, so a teacher fixes a file in one go; :mod:`simulator.lessons.scenarios` refuses a
file with any problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from simulator.protocol.headers import HEADER_LIMIT
from simulator.protocol.patterns import MAX_PATTERN, Glob, PatternError, Regex
from simulator.protocol.replies import CATALOGUE, MAX_REPLY_LINE
from simulator.protocol.rules import (
    RULE_FIELDS,
    CustomReply,
    Event,
    Explanation,
    Match,
    Rule,
    Scenario,
)

from .annotate import PLACEHOLDERS
from .dkim_keys import read_dkim_keys
from .file_problems import FileProblems
from .load import LANGS
from .scenario_later import later_of
from .templates import placeholders
from .zone_check import AUTH_FIELDS, read_auth, read_client_address, read_zone

TOP_FIELDS: Final = ("title", "base", "domains", "greylist_delay", "rate_limit", "fault_rate",
                     "rule", "later", "dns", "client_address", "dkim")
RULE_KEYS: Final = ("name", "on", "match", "reply", "delay", "disconnect", "explain")
GLOB_FIELDS: Final = ("address", "sender", "helo", "subject", "body", "header_from")
FLAG_FIELDS: Final = ("local", "authenticated", "helo_fqdn", "no_valid_recipients", "fault",
                      "greylisted", "rate_limited")
MATCH_FIELDS: Final = (*GLOB_FIELDS, "argument", "nth", "chance", *FLAG_FIELDS, *AUTH_FIELDS)
REPLY_FIELDS: Final = ("code", "enhanced", "text")
EXPLAIN_FIELDS: Final = ("why", "fix")
MAX_DELAY: Final = 10.0
"""Seconds a rule may make the server wait: the console waits 10 s for a reply."""
NAME_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_RULES: Final = 10_000
"""Rules in one file: each command is asked of the rules of its event, so their number is
the server's work per command (the rules' index keeps 10,000 under a millisecond)."""
MAX_PATTERNS: Final = 100
"""Globs (or message texts) in one field of one rule."""
MAX_REGEXES: Final = 100
"""Rules with ``match.argument`` in one file: a regular expression is asked at every
command of its event and cannot be filed by address; each search costs about 10 µs, so
100 keep a command under a millisecond (bench/bench_rules.py)."""
MAX_COST: Final = 500_000
"""The summed :attr:`~simulator.protocol.patterns.Glob.cost` of a file's patterns, each unit
at most about 0.1 µs (0.05 measured for RE2 programs, 0.1 to 0.2 for glob pieces on a busy
two-core machine): a command that meets every rule is matched in about 50 ms, so a
bystander's NOOP still comes back within 100 ms. 10,000 indexed address rules cost 30,000,
a hundred everyday regular expressions about 150,000, a Subject glob with ``?`` about
180,000 (8 ms on a 64 KiB Subject, measured); 100 expressions of ``(.*){1000}z`` (2.7 s per
command, measured) or 9,000 rules of a hundred ``*N*x`` HELO globs (0.7 s) do not fit."""
HEADER_COST: Final = HEADER_LIMIT // MAX_PATTERN
"""A Subject or header From glob is matched against up to HEADER_LIMIT octets of the
message's header, not a command's 512: its cost counts that many times more."""
MAX_TEXTS: Final = 100
"""Different ``match.body`` texts in one file, all searched for in one pass per message."""
MAX_PROSE: Final = 2_000
"""Characters of a title, a ``why`` or a ``fix``."""
MAX_DOMAINS: Final = 1_000
MAX_DOMAIN: Final = 255
"""Octets of a domain name (RFC 5321 §4.5.3.1.2)."""
ENHANCED_RE: Final = re.compile(r"([245])\.([0-9]{1,3})\.([0-9]{1,3})")


class Checker(FileProblems):
    """Builds one file's Scenario, collecting its problems (FileProblems) on the way."""

    def scenario(self, name: str, doc: Mapping[str, Any]) -> Scenario:
        self.unknown("", "", doc, TOP_FIELDS)
        defaults = Scenario()
        rules, zone = self.rules(doc.get("rule", [])), read_zone(self, doc.get("dns", {}))
        return Scenario(
            name=name, titles=self.titles(doc.get("title")), rules=rules,
            local_domains=self.domains(doc.get("domains", [])),
            greylist_delay=self.number("", "greylist_delay", doc, defaults.greylist_delay,
                                       0, 86400),
            rate_limit=int(self.number("", "rate_limit", doc, defaults.rate_limit, 1, 10**6)),
            fault_rate=self.number("", "fault_rate", doc, defaults.fault_rate, 0, 1),
            later=later_of(self, doc.get("later")),
            zone=zone, dkim_keys=read_dkim_keys(self, doc.get("dkim"), zone),
            client_address=read_client_address(
                self, doc.get("client_address", defaults.client_address),
                defaults.client_address),
        )

    def rules(self, rules_doc: object) -> tuple[Rule, ...]:
        if not isinstance(rules_doc, list):
            self.report("", "rule", "write each rule as a [[rule]] table")
            return ()
        if len(rules_doc) > MAX_RULES:
            self.say("", "rule", "too-many", count=len(rules_doc), limit=MAX_RULES)
            return ()
        rules = tuple(r for r in (self.rule(i, t) for i, t in enumerate(rules_doc)) if r)
        seen: set[str] = set()
        for rule in rules:
            if rule.name in seen:
                self.report(rule.name, "name", "another rule has the same name")
            seen.add(rule.name)
        regexes = sum(rule.match.argument is not None for rule in rules)
        if regexes > MAX_REGEXES:
            self.say("", "match.argument", "too-many-regexes", count=regexes,
                     limit=MAX_REGEXES)
        costs = [_cost(rule.match) for rule in rules]
        if sum(costs) > MAX_COST:
            self.say("", "match", "too-costly", rules=sum(map(bool, costs)), cost=sum(costs),
                     limit=MAX_COST)
        texts = len({text for rule in rules for text in rule.match.body})
        if texts > MAX_TEXTS:
            self.say("", "match.body", "too-many-texts", count=texts, limit=MAX_TEXTS)
        return rules

    def titles(self, value: object) -> tuple[tuple[str, str], ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = dict.fromkeys(LANGS, value)
        if isinstance(value, Mapping):
            self.unknown("", "title.", value, LANGS)
            found = tuple((lang, str(value[lang])) for lang in LANGS if lang in value)
            for title in dict.fromkeys(title for _, title in found):
                self.prose("", "title", title)
            return found
        self.report("", "title", "must be text, or a table of languages (en, zh)")
        return ()

    def domains(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
            self.report("", "domains", "must be a list of domain names")
            return ()
        if len(value) > MAX_DOMAINS:
            self.say("", "domains", "too-many-domains", count=len(value), limit=MAX_DOMAINS)
            return ()
        for domain in value:
            if len(domain) > MAX_DOMAIN:
                self.say("", "domains", "domain-too-long", length=len(domain),
                         limit=MAX_DOMAIN)
        return tuple(d.lower() for d in value)

    def prose(self, rule: str, field: str, value: str) -> None:
        if len(value) > MAX_PROSE:
            self.say(rule, field, "text-too-long", length=len(value), limit=MAX_PROSE)

    def number(self, rule: str, field: str, table: Mapping[str, Any], default: float,
               low: float, high: float) -> float:
        """``table[field]`` (``match.chance`` is looked up as ``chance``), in low..high."""
        value = table.get(field.rpartition(".")[2], default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.report(rule, field, f"must be a number, not {value!r}")
            return default
        if not low <= value <= high:
            self.report(rule, field, f"{value} is outside {low:g}..{high:g}")
            return default
        return float(value)

    def rule(self, index: int, table: object) -> Rule | None:
        if not isinstance(table, Mapping):
            self.report(f"#{index + 1}", "rule", "must be a table")
            return None
        name = table.get("name")
        if not isinstance(name, str) or not NAME_RE.fullmatch(name):
            self.report(f"#{index + 1}", "name", "required: lower-case letters, digits and "
                                                 "hyphens, at most 40 (e.g. partner-blocked)")
            name = f"#{index + 1}"
        count = len(self.problems)
        self.unknown(name, "", table, RULE_KEYS)
        on = self.event(name, table.get("on"))
        match = self.match(name, table.get("match", {}))
        reply = self.reply(name, table.get("reply"))
        delay = self.delay(name, table.get("delay", 0))
        disconnect = table.get("disconnect", False)
        if not isinstance(disconnect, bool):
            self.report(name, "disconnect", "must be true or false")
            disconnect = False
        if "reply" not in table and not disconnect and delay == (0.0, 0.0):
            self.report(name, "reply", "a rule needs a reply, a delay or disconnect = true")
        explain = self.explain(name, table.get("explain", {}))
        if len(self.problems) > count or on is None:
            return None
        return Rule(name, on, match, reply, delay, disconnect, explain)

    def event(self, rule: str, value: object) -> Event | None:
        names = [event.value for event in Event]
        if not isinstance(value, str) or value.lower() not in names:
            self.report(rule, "on", f"must be one of {', '.join(names)}, not {value!r}")
            return None
        return Event(value.lower())

    def match(self, rule: str, table: object) -> Match:
        if not isinstance(table, Mapping):
            self.report(rule, "match", "must be a table, e.g. { address = \"*@x.example\" }")
            return Match()
        self.unknown(rule, "match.", table, MATCH_FIELDS)
        fields: dict[str, Any] = {}
        for field in GLOB_FIELDS:
            if field in table:
                fields[field] = self.globs(rule, f"match.{field}", table[field])
        if "body" in table:
            fields["body"] = tuple(glob.text for glob in fields["body"])
        if "argument" in table:
            fields["argument"] = self.regex(rule, table["argument"])
        if "nth" in table:
            nth = table["nth"]
            if isinstance(nth, bool) or not isinstance(nth, int) or nth < 1:
                self.report(rule, "match.nth", f"must be a whole number from 1, not {nth!r}")
            else:
                fields["nth"] = nth
        if "chance" in table:
            fields["chance"] = self.number(rule, "match.chance", table, 1.0, 0, 1)
        for field in FLAG_FIELDS:
            if field in table:
                if isinstance(table[field], bool):
                    fields[field] = table[field]
                else:
                    self.report(rule, f"match.{field}", "must be true or false")
        return Match(**fields, auth=read_auth(self, rule, table))

    def globs(self, rule: str, field: str, value: object) -> tuple[Glob, ...]:
        """The field's globs, compiled (``match.body``'s texts are read the same way)."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            self.report(rule, field, "must be a pattern or a list of patterns")
            return ()
        if len(items) > MAX_PATTERNS:
            self.say(rule, field, "too-many-patterns", count=len(items), limit=MAX_PATTERNS)
            return ()
        compiled: list[Glob] = []
        for item in items:
            try:
                compiled.append(Glob.compile(item))
            except PatternError as err:
                self.pattern_problem(rule, field, err)
        return tuple(compiled)

    def regex(self, rule: str, value: object) -> Regex | None:
        if not isinstance(value, str):
            self.report(rule, "match.argument", "must be a regular expression in quotes")
            return None
        try:
            return Regex.compile(value)
        except PatternError as err:
            self.pattern_problem(rule, "match.argument", err)
            return None

    def reply(self, rule: str, value: object) -> CustomReply | str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return self.catalogue_key(rule, value)
        if not isinstance(value, Mapping):
            self.report(rule, "reply", "must be a catalogue key or { code, enhanced, text }")
            return None
        self.unknown(rule, "reply.", value, REPLY_FIELDS)
        code, enhanced, text = value.get("code"), value.get("enhanced"), value.get("text")
        if isinstance(code, bool) or not isinstance(code, int) or not 400 <= code <= 599:
            self.report(rule, "reply.code", f"must be a refusal code from 400 to 599, "
                                            f"not {code!r}")
            return None
        if enhanced is not None and not self.enhanced(rule, code, enhanced):
            return None
        if not self.text(rule, code, enhanced, text):
            return None
        return CustomReply(code, enhanced, str(text))

    def catalogue_key(self, rule: str, key: str) -> str | None:
        spec = CATALOGUE.get(key)
        if spec is None:
            self.report(rule, "reply", f"{key!r} is not a reply key of the catalogue")
            return None
        if spec.code < 400:
            self.report(rule, "reply", f"{key!r} is a {spec.code}: a rule may only refuse "
                                       f"(400 to 599)")
            return None
        missing = set(spec.fields) - set(RULE_FIELDS)
        if missing:
            self.report(rule, "reply", f"{key!r} needs {', '.join(sorted(missing))}, which a "
                                       f"rule cannot give")
            return None
        return key

    def enhanced(self, rule: str, code: int, enhanced: object) -> bool:
        found = ENHANCED_RE.fullmatch(enhanced) if isinstance(enhanced, str) else None
        if found is None:
            self.report(rule, "reply.enhanced", f"must read class.subject.detail such as "
                                                f"5.7.1, not {enhanced!r}")
            return False
        if found.group(1) != str(code)[0]:
            self.report(rule, "reply.enhanced", f"class {found.group(1)} does not match "
                                                f"code {code} (RFC 3463 §2: it starts "
                                                f"with {str(code)[0]})")
            return False
        return True

    def text(self, rule: str, code: int, enhanced: object, text: object) -> bool:
        if not isinstance(text, str) or not text.strip():
            self.report(rule, "reply.text", "required: the text after the code")
            return False
        if not text.isascii() or not text.isprintable():
            self.report(rule, "reply.text", "must be printable ASCII on one line "
                                            "(replies are ASCII, RFC 5321 §4.2)")
            return False
        line = f"{code} {f'{enhanced} ' if enhanced else ''}{text}\r\n"
        if len(line) > MAX_REPLY_LINE:
            self.report(rule, "reply.text", f"the reply line would be {len(line)} octets, "
                                            f"over {MAX_REPLY_LINE} (RFC 5321 §4.5.3.1.5)")
            return False
        return True

    def delay(self, rule: str, value: object) -> tuple[float, float]:
        given = value if isinstance(value, list) else [value, value]
        items = [float(v) for v in given
                 if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(items) != 2 or len(given) != 2 or not 0 <= items[0] <= items[1] <= MAX_DELAY:
            self.report(rule, "delay", f"must be seconds from 0 to {MAX_DELAY:g}, or a "
                                       f"range [low, high], not {value!r}")
            return (0.0, 0.0)
        return (items[0], items[1])

    def placeholders(self, rule: str, field: str, text: str) -> None:
        """Explanations may use what annotate() fills ({verb}, {argument}...), nothing else."""
        try:
            used = placeholders(text)
        except ValueError as err:
            self.report(rule, field, f"{err} (write literal braces as {{{{ and }}}})")
            return
        for name in used:
            if name not in PLACEHOLDERS:
                allowed = " ".join(f"{{{p}}}" for p in PLACEHOLDERS)
                self.report(rule, field, f"unknown placeholder {{{name}}} (allowed: {allowed})")

    def explain(self, rule: str, table: object) -> tuple[Explanation, ...]:
        if not isinstance(table, Mapping):
            self.report(rule, "explain", "must be tables [rule.explain.en], [rule.explain.zh]")
            return ()
        self.unknown(rule, "explain.", table, LANGS)
        found: list[Explanation] = []
        for lang in LANGS:
            entry = table.get(lang)
            if entry is None:
                continue
            if not isinstance(entry, Mapping):
                self.report(rule, f"explain.{lang}", "must be a table with why and fix")
                continue
            self.unknown(rule, f"explain.{lang}.", entry, EXPLAIN_FIELDS)
            why, fix = entry.get("why"), entry.get("fix")
            if not isinstance(why, str) or not isinstance(fix, str):
                self.report(rule, f"explain.{lang}", "needs both why and fix, as text")
                continue
            for field, value in (("why", why), ("fix", fix)):
                self.placeholders(rule, f"explain.{lang}.{field}", value)
                self.prose(rule, f"explain.{lang}.{field}", value)
            found.append(Explanation(lang, why.strip(), fix.strip()))
        return tuple(found)


def _cost(match: Match) -> int:
    """The most matching work one event may spend on this rule's patterns (see MAX_COST)."""
    command = sum(glob.cost for glob in (*match.address, *match.sender, *match.helo))
    header = sum(glob.cost for glob in (*match.subject, *match.header_from))
    regex = 0 if match.argument is None else match.argument.cost
    return command + HEADER_COST * header + regex
