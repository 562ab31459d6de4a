"""``smtp-sim serve --dashboard``: the instructor's live full-screen view of the class.

``serve`` runs the server and fills the shared class model; :func:`show_dashboard` draws it
until the instructor quits (q, then y), after which ``serve`` tells every client 421 4.3.2
and exits 0. The command line hands this function to ``serve``: no face imports another.
"""

from __future__ import annotations

from .run import show_dashboard

__all__ = ["show_dashboard"]
