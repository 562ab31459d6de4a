"""The faces: one module or package per subcommand (the console, ``run``, ``explain``,
``serve``, ``lessons check``). No face imports another; what two faces share lives below,
in ``render`` or ``client``. Only faces import prompt_toolkit."""
