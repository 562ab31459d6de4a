"""A student's goal panel on the dashboard's spotlight: the lesson's steps with ticks and
the goal they are on, drawn beside their transcript."""

from __future__ import annotations

from simulator.lessons.classmodel.model import ClassModel, SessionRecord
from simulator.lessons.classroom import say
from simulator.protocol.escape import show_text

from .demo import split_lines
from .transcript import Fragments
from .wrap import text_width, wrap_fragments

DONE = "✓"
NOW = "▶"


def step_goal(model: ClassModel, step: int, lang: str) -> str:
    """Step ``step``'s goal sentence (1 = the first), or its number when serve did not hand
    the dashboard the lesson's words."""
    if 0 < step <= len(model.lesson_steps):
        goals = model.lesson_steps[step - 1].goals
        return goals.get(lang) or goals.get("en") or model.lesson_steps[step - 1].id
    return say(lang, "dashboard", "step-number", step=step)


def goal_fragments(model: ClassModel, record: SessionRecord, lang: str,
                   width: int) -> Fragments:
    """The heading (``Goals 2/3``), then each step ticked, the current one marked."""
    done, total = len(record.steps_done), record.steps_total
    out: Fragments = [("class:dash.heading", say(lang, "dashboard", "goals", done=done,
                                                 total=total)), ("", "\n")]
    current = model.step_on(record)
    if not model.lesson_steps:  # only the ids serve ticked, and how many are left
        for step_id in record.steps_done:
            out += wrap_fragments([("class:code.2xx", f"{DONE} {show_text(step_id)}\n")], width)
        if current:
            out += wrap_fragments([("bold", f"{NOW} {step_goal(model, current, lang)}\n")],
                                  width)
        return out
    ticked = set(record.steps_done)
    for number, step in enumerate(model.lesson_steps, 1):
        goal = step_goal(model, number, lang)
        if step.id in ticked:
            line = [("class:code.2xx", f"{DONE} {goal}\n")]
        elif number == current:
            line = [("bold", f"{NOW} {goal}\n")]
        else:
            line = [("class:dim", f"  {goal}\n")]
        out += wrap_fragments(line, width)
    if not current:
        out += [("class:code.2xx", say(lang, "dashboard", "all-done") + "\n")]
    return out


def side_by_side(left: Fragments, right: Fragments, left_width: int, height: int) -> Fragments:
    """Two panes as one: each line of ``left`` padded to ``left_width``, a rule, ``right``."""
    lefts, rights = split_lines(left), split_lines(right)
    out: Fragments = []
    for index in range(min(max(len(lefts), len(rights)), height)):
        line = lefts[index] if index < len(lefts) else []
        used = text_width("".join(text for _, text, *_ in line))
        out += [*line, ("", " " * max(left_width - used, 0)), ("class:dim", " │ ")]
        if index < len(rights):
            out += rights[index]
        out.append(("", "\n"))
    return out
