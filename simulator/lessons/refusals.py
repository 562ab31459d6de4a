"""A refused file (:class:`simulator.files.FileRefused`) said in the user's language.

The reader sits below the lesson data (``simulator/files/bounded.py``), so it carries only a
reason and the file's name; the sentence is ``files.REASON`` in ``ui.LANG.toml``.
"""

from __future__ import annotations

from simulator.files import FileRefused

from .ui import text


def say(refused: FileRefused, lang: str, *, path: str | None = None) -> str:
    """What is wrong with the file and what to do, in ``lang``; ``path`` names the file
    otherwise than the reader did (a course's problems name a lesson by its file name)."""
    fields = dict(refused.fields)
    if path is not None:
        fields["path"] = path
    return text(f"files.{refused.reason}", lang, **fields)
