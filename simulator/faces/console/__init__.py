"""The interactive console: type SMTP, see the live reply, understand it.

Only the console's faces import prompt_toolkit; the command line imports this package only
when the console really starts, so other faces (``smtp-sim run``, ``explain``) stay light.
``run_console`` is the entry the CLI calls.
"""

from __future__ import annotations

from .main import run_console

__all__ = ["run_console"]
