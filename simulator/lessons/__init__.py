"""Lessons: the explanations of every reply, loaded from ``lessons/*.toml`` (pure, no I/O
beyond reading the data files).

``annotate.annotate(exchange, lang)`` explains one reply of the engine and
``annotate.annotate_reply`` a reply from another server; ``entries`` and ``compose`` feed
``smtp-sim explain``; ``ui.text`` is every face's words.

This package imports nothing itself: a face imports the modules it uses, so reading one UI
sentence (``lessons.ui``) does not load the explanations (``smtp-sim serve`` needs only that).
"""
