"""Rendering, shared by every face: explanations and transcripts as style fragments, plain
or ANSI text, Markdown and JSON; wrapping to a width; the state diagram; the log line.

Importing this package stays light (no trio, no prompt_toolkit): ``smtp-sim explain`` uses
it. The transcript formats, which need the client side, are in :mod:`.transcript`.
"""

from __future__ import annotations

from .fragments import (
    INDENT,
    STYLE,
    Fragments,
    annotation_fragments,
    code_style,
    comparison_fragments,
    comparison_title,
    enhanced_fragments,
    entry_fragments,
    explain_fragments,
    fix_label,
    md_escape,
    to_ansi,
    to_markdown,
    to_plain,
    wrap,
)

__all__ = ["INDENT", "STYLE", "Fragments", "annotation_fragments", "code_style",
           "comparison_fragments", "comparison_title", "enhanced_fragments", "entry_fragments",
           "explain_fragments", "fix_label", "md_escape", "to_ansi", "to_markdown", "to_plain",
           "wrap"]
