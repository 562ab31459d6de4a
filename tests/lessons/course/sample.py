"""A one-step demo lesson a teacher might write, and a helper that puts it in a course folder:
the raw material of the course loader's and linter's tests."""

from __future__ import annotations

from pathlib import Path

GOOD = '''id = "demo"
solution = ["EHLO client.example"]
wrong = [["HELO client.example"]]

[[steps]]
id = "ehlo"
check = { verb = "EHLO", code = 250 }
en.goal = "Say EHLO."
en.hints = ["Greet.", "Use EHLO.", "Type: EHLO client.example"]
zh.goal = "发 EHLO。"
zh.hints = ["问好。", "用 EHLO。", "输入：EHLO client.example"]

[en]
title = "Demo"
intro = "A demo lesson."
summary = "You said EHLO."

[zh]
title = "示例"
intro = "一节示例课。"
summary = "你发了 EHLO。"
'''


def write(tmp_path: Path, text: str, name: str = "01-demo.toml") -> Path:
    folder = tmp_path / "course"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder
