"""``smtp-sim grade``'s judge: a rubric (what to check, for how many points, against which
server) and the verdict of each of its items on the sessions a student's program held.
Pure: Exchanges in, verdicts out (the face runs the server and the program)."""

from __future__ import annotations

from .judge import BUILTIN_ITEMS, Grade, ItemResult, Session, Verdict, judge
from .model import Item, Rubric
from .rubric import RubricError, default_rubric, load_rubric, parse_rubric

__all__ = ["BUILTIN_ITEMS", "Grade", "Item", "ItemResult", "Rubric", "RubricError", "Session",
           "Verdict", "default_rubric", "judge", "load_rubric", "parse_rubric"]
