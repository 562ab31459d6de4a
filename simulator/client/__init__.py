"""The client side every face uses: the built-in server (:mod:`.local`) or a real one over
TCP (:mod:`.remote`), both a :class:`~.connection.Connection` (with the answers and the
:class:`~.connection.SessionView` a face shows), the reply parser (:mod:`.wire`), and
scripts of command lines played against either (:mod:`.script`; demos: :mod:`.demoscript`,
:mod:`.demoplayer`).

This package imports nothing itself: a face imports the modules it uses, so reading the
saved settings (:mod:`.home`, which every command line does) loads no trio and no server.
"""
