"""The faces: one module or package per subcommand (the console, ``learn``, ``demo``,
``run``, ``explain``, ``serve`` and its ``--dashboard`` and ``--web``, ``report``, ``grade``,
``lessons check``). No face imports another (import-linter's contracts in pyproject.toml);
what two faces share lives below, in ``render`` or ``client``, or in the two shared packages
here, ``shell`` (the console's prompt, which the course runs in) and ``prompt``. A face of
several modules is a package (``serve``, ``learn``, ``console``...), so that the contract sees
all of it. Only faces import prompt_toolkit."""
