"""The prompt the console and the course both run in (not a face of its own).

``ConsoleContext`` keeps the session and shows each reply with its explanation; ``Console``
is the prompt_toolkit loop over it, with the ``:`` commands. ``smtp-sim`` (faces/console)
and ``smtp-sim learn`` (faces/learn) build one each; neither imports the other.
"""
