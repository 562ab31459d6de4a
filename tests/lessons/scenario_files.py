"""A teacher's scenario file and one broken rule to vary: the raw material of the scenario
loader's and the scenario checker's tests."""

from __future__ import annotations

from pathlib import Path

from simulator.lessons.scenarios import check_file

GOOD = """
title = "Blocked partner"
base = "realistic"
[[rule]]
name = "partner-blocked"
on = "rcpt"
match = { address = "*@partner.example" }
reply = { code = 550, enhanced = "5.7.1", text = "Mail to partner.example is blocked by policy" }
[rule.explain.en]
why = "The school blocks this partner."
fix = "Write to someone else."
"""


RULE = """
[[rule]]
name = "r"
on = "rcpt"
reply = {{ code = 550, enhanced = "5.7.1", text = "No" }}
{extra}
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "teacher.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def problems(tmp_path: Path, text: str) -> list[str]:
    return check_file(write(tmp_path, text))
