"""Rendering, shared by every face: explanations and transcripts as style fragments, plain
or ANSI text, Markdown and JSON; wrapping to a width; the state diagram; the log line.

Importing this package stays light (no trio, no prompt_toolkit): ``smtp-sim explain`` uses
it. The transcript formats, which need the client side, are in :mod:`.transcript`.

The fragments API below is imported on first use: ``smtp-sim serve`` needs only
:mod:`.logline`, and importing the explanations (TOML data, templates) cost its startup a
quarter of what smtp-sim itself adds to importing trio.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
else:
    # The submodule .wrap is loaded first, so that the name ``wrap`` here is the function
    # (as when this package imported .fragments eagerly), whatever is imported later.
    from . import wrap as _wrap_module

    def wrap(*args: object, **kwargs: object) -> object:
        from .fragments import wrap as wrap_to_width

        return wrap_to_width(*args, **kwargs)

    del _wrap_module

__all__ = ["INDENT", "STYLE", "Fragments", "annotation_fragments", "code_style",
           "comparison_fragments", "comparison_title", "enhanced_fragments", "entry_fragments",
           "explain_fragments", "fix_label", "md_escape", "to_ansi", "to_markdown", "to_plain",
           "wrap"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import fragments

        return getattr(fragments, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
