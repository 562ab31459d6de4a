"""The interactive console: type SMTP, see the live reply, understand it.

Only this package imports prompt_toolkit, and only when the console really starts, so other
faces (``smtp-sim run``, ``explain``) stay light. ``run_console`` is the entry the CLI calls.
"""

from __future__ import annotations

import argparse


def run_console(args: argparse.Namespace) -> int:
    """Start the console for ``smtp-sim`` / ``smtp-sim repl``; return the exit status."""
    from simulator.faces.console.main import run_app

    return run_app(args)


__all__ = ["run_console"]
