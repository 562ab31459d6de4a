"""``smtp-sim demo SCRIPT|NAME``: a script played for a projector, against the live engine.

Full screen on a terminal (keys: Space next, b back, p autoplay, e explanations, +/- typing
speed, l language, q quit); played to the end, unattended, when standard input is not a
terminal or with ``--pace 0``. ``smtp-sim demo list`` lists the built-in demos.
"""

from __future__ import annotations

from .main import run_demo

__all__ = ["run_demo"]
