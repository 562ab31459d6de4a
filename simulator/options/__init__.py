"""Plain data every layer may take: :mod:`.records`, each subcommand's frozen options and
OptionError."""
