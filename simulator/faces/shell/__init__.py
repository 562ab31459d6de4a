"""The prompt the console and the course both run in (not a face of its own).

``ConsoleContext`` keeps the session and shows each reply with its explanation, from parts
with one job each: ``ConsoleSettings`` (frozen, what it was started with) and ``ServerLink``
(the connection, the store) in ``link.py``, the ``Terminal`` screen in ``terminal.py``, the
``Transcript``. A guide (``guide.py``) is handed only the ``Screen`` protocol (``screen.py``).
``Console`` is the prompt_toolkit loop over a context it makes, with the ``:`` commands.
``smtp-sim`` (faces/console) and ``smtp-sim learn`` (faces/learn) build one each; neither
imports the other.
"""
