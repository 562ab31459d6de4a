"""The client side every face uses: the built-in server (:mod:`.local`) or a real one over
TCP (:mod:`.remote`), the reply parser (:mod:`.connection`), and scripts of command lines
played against either (:mod:`.script`).

This package imports nothing itself: a face imports the modules it uses, so reading the
saved settings (:mod:`.home`, which every command line does) loads no trio and no server.
"""
