"""``smtp-sim learn``: the course (main.run_learn). The package imports nothing: importing
any of its modules runs this file first, so it holds no code that imports them back."""
