"""The faces: one module or package per subcommand (the console, ``learn``, ``demo``,
``run``, ``explain``, ``serve`` and its ``--dashboard`` and ``--web``, ``report``, ``grade``,
``lessons check``). No face imports another (import-linter's contracts in pyproject.toml);
what two faces share lives below, in ``render`` or ``client``, or in the two shared packages
here, ``shell`` (the console's prompt, which the course runs in) and ``prompt``. ``serve`` is
several modules: ``serve.py`` runs it, ``serveoptions.py`` checks its options and makes the
Policy, ``servelesson.py`` is ``--lesson``, ``servelog.py`` the line log, ``classlog.py`` the
class feed (the worker thread that fills the class model and ``--log``), ``notices.py`` where
what it says goes. Only faces import prompt_toolkit."""
