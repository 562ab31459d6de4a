"""Benchmark: what one command costs the rules of a teacher's scenario file.

A file of 10,000 rules is written and loaded as ``smtp-sim --scenario FILE`` loads it, then
each case asks the rules of one event (``rules.decide``, exactly what the Session does after
its own checks) many times and prints the median microseconds per command:

- ``by-domain``: 10,000 RCPT rules ``address = "*@dN.example"`` (each domain refused), a RCPT
  to a domain near the end, one to a domain no rule names;
- ``local-part``: 10,000 RCPT rules ``address = "uN@*"``, filed by local part instead;
- ``unfiled``: 10,000 RCPT rules ``address = "*uN*"``, which no index can file: the worst;
- ``regex``: 100 NOOP rules with a regular expression each (the most a file may have);
- ``evil``: the regex ``<(\\w+\\.?)+@school\\.example>`` against a 480-letter MAIL FROM and the
  glob ``*.*.*.*@*.*.*.example`` against a 225-octet RCPT (one rule each).

Only public names are used, so the same script measures an older tree for a before/after
figure: ``PYTHONPATH=OLD_TREE python bench/bench_rules.py --letters 20,22``. Run: ``python
bench/bench_rules.py [--repeat 200] [--letters 20,24,480]``. Compare figures taken on the
same machine only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from simulator.lessons.scenarios import load_scenario
from simulator.protocol.rules import Event, Facts, Scenario, decide

RULE = '[[rule]]\nname = "r{i}"\non = "{on}"\nmatch = {{ {match} }}\nreply = "{reply}"\n'


def scenario_of(on: str, match: str, reply: str, count: int, folder: Path) -> Scenario:
    path = folder / f"{on}-{count}.toml"
    path.write_text("".join(RULE.format(i=i, on=on, match=match.format(i=i), reply=reply)
                            for i in range(count)), encoding="utf-8")
    started = time.perf_counter()
    scenario = load_scenario(str(path))
    print(f"  loaded {count} rules in {time.perf_counter() - started:.2f} s")
    return scenario


def per_command(scenario: Scenario, facts: Facts, repeat: int) -> float:
    """Median microseconds of one decide() over ``repeat`` calls, in 5 rounds."""
    rng = random.Random(1)
    fields = dict.fromkeys(("host", "path", "local", "domain", "forward", "helo", "peer",
                            "wait", "limit"), "x")
    ask: Callable[[], object] = lambda: decide(scenario, facts, hostname="mx.example",  # noqa: E731
                                               rng=rng, fields=lambda: fields)
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            ask()
        rounds.append((time.perf_counter() - started) / repeat * 1e6)
    return statistics.median(rounds)


def show(name: str, microseconds: float) -> None:
    print(f"  {name:<44} {microseconds:>12.1f} µs per command")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls per round (5 rounds)")
    parser.add_argument("--letters", default="20,24,480",
                        help="lengths of the evil MAIL FROM's local part (an older tree "
                             "backtracks for ages past 26: give it 20,22)")
    args = parser.parse_args()
    repeat, letter_counts = args.repeat, [int(n) for n in args.letters.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        print("by-domain: 10,000 rules address = \"*@dN.example\"")
        by_domain = scenario_of("rcpt", 'address = "*@d{i}.example"', "rcpt.user-unknown",
                                10_000, Path(folder))
        show("RCPT TO:<ann@d9990.example> (refused)",
             per_command(by_domain, Facts(Event.RCPT, address=("ann@d9990.example",)), repeat))
        show("RCPT TO:<ann@other.example> (no rule)",
             per_command(by_domain, Facts(Event.RCPT, address=("ann@other.example",)), repeat))
        print("local-part: 10,000 rules address = \"uN@*\" (filed by local part)")
        local = scenario_of("rcpt", 'address = "u{i}@*"', "rcpt.user-unknown", 10_000,
                            Path(folder))
        show("RCPT TO:<ann@other.example> (no rule)",
             per_command(local, Facts(Event.RCPT, address=("ann@other.example",)), repeat))
        print("unfiled: 10,000 rules address = \"*uN*\" (asked one by one)")
        unfiled = scenario_of("rcpt", 'address = "*u{i}*"', "rcpt.user-unknown", 10_000,
                              Path(folder))
        show("RCPT TO:<ann@other.example> (no rule)",
             per_command(unfiled, Facts(Event.RCPT, address=("ann@other.example",)),
                         max(1, repeat // 20)))
        print("regex: 100 rules argument = 'xN=[0-9]+'")
        regex = scenario_of("noop", "argument = 'x{i}=[0-9]+'", "rcpt.user-unknown", 100,
                            Path(folder))
        show("NOOP " + "y" * 20 + " (no rule)",
             per_command(regex, Facts(Event.NOOP, argument="y" * 20), repeat))
        print("evil: one teacher's regex, one teacher's glob")
        evil = scenario_of("mail", "argument = '<(\\w+\\.?)+@school\\.example>'",
                           "mail.dmarc-reject", 1, Path(folder))
        for letters in letter_counts:
            argument = "FROM:<" + "a" * letters + "@other.example>"
            show(f"MAIL FROM:<{letters} letters@other.example>",
                 per_command(evil, Facts(Event.MAIL, argument=argument), 1))
        glob = scenario_of("rcpt", 'address = "*.*.*.*@*.*.*.example"', "rcpt.user-unknown",
                           1, Path(folder))
        deep = "a." * 31 + "a@" + "b." * 79 + "org"
        show("RCPT TO:<225 octets>", per_command(glob, Facts(Event.RCPT, address=(deep,)), 1))


if __name__ == "__main__":
    main()
