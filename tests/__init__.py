"""smtp-sim's tests: one folder per layer of simulator/, one test module per module."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project's root folder (holding simulator/ and lessons/)."""
