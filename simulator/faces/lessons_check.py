"""``smtp-sim lessons check``: the lesson authors' linter, printed."""

from __future__ import annotations

import argparse
import sys

from simulator.lessons import LANGS, REQUIRED_CODES, REQUIRED_COMPARISONS, default_library
from simulator.lessons.check import check_library
from simulator.lessons.scenarios import check_file
from simulator.protocol.replies import CATALOGUE


def run_check(args: argparse.Namespace) -> int:
    """Lint the installed lesson data; print the problems; 0 when clean, 1 otherwise."""
    files: list[str] | None = getattr(args, "scenario", None)
    if files:
        return check_scenarios(files)
    library = default_library()
    problems = check_library(library)
    for problem in problems:
        print(problem)
    if problems:
        print(f"lessons check: {len(problems)} problem(s) in {library.root}", file=sys.stderr)
        return 1
    print(f"lessons check: clean ({len(REQUIRED_CODES)} codes, {len(CATALOGUE)} reply keys, "
          f"{len(REQUIRED_COMPARISONS)} comparisons, languages {', '.join(LANGS)})")
    return 0


def check_scenarios(files: list[str]) -> int:
    """``lessons check --scenario FILE``: every problem of each file; 0 when all are fine."""
    problems = [problem for name in files for problem in check_file(name)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"lessons check: {len(problems)} problem(s) in {', '.join(files)}", file=sys.stderr)
        return 1
    print(f"lessons check: clean ({', '.join(files)})")
    return 0
