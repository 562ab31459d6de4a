"""``smtp-sim serve``: the classroom TCP server's face (main.run_serve). ``main.py`` runs it,
``options.py`` checks its options' combinations and makes the engine's Policy, ``lesson.py`` is
``--lesson``, ``linelog.py`` the line log, ``classlog.py`` the class feed (the worker thread
that fills the class model and ``--log``), ``notices.py`` where what it says goes. The
dashboard and the web pages are faces of their own, handed in by the command line. The
package imports nothing: importing any of its modules runs this file first, so it holds no
code that imports them back."""
