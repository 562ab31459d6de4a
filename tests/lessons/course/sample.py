"""A one-step demo lesson a teacher might write, and a helper that puts it in a course folder:
the raw material of the course loader's and linter's tests."""

from __future__ import annotations

from pathlib import Path

from simulator.lessons.course import Goal, Lesson, LessonText, Setup, StepText
from simulator.lessons.course.model import Attempt

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


def lesson(*goals: Goal, setup: Setup | None = None) -> Lesson:
    """A lesson made of ``goals`` (same texts in both languages), solved by QUIT."""
    steps = {goal.id: StepText(f"goal {goal.id}", ("nudge", "pointer", "line")) for goal in goals}
    text = LessonText("Title", "Intro", "Summary", steps)
    return Lesson(1, "test", "01-test.toml", setup or Setup(), goals, Attempt(("QUIT",)), (),
                  {"en": text, "zh": text})
