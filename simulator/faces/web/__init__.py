"""``smtp-sim serve --web``: the class in a browser (students' own pages, the teacher's)."""

from __future__ import annotations

from .run import run_web

__all__ = ["run_web"]
