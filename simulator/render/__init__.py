"""Rendering, shared by every face: explanations and transcripts as style fragments, plain
or ANSI text, Markdown and JSON (:mod:`.fragments`); wrapping to a width (:mod:`.wrap`); the
state diagram; the log line (:mod:`.logline`).

This package imports nothing itself: a face imports the modules it uses, so ``smtp-sim
serve`` (only :mod:`.logline` and the class model) loads no explanations, and ``smtp-sim
explain`` no trio. The transcript formats, which need the client side, are in :mod:`.transcript`.
"""
