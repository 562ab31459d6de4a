"""The ``smtp-sim`` command: :mod:`.command` dispatches to a face, :mod:`.args` reads
argparse into option records."""
