"""``python -m simulator`` does what ``smtp-sim`` does."""

import sys

from .cli.command import main

sys.exit(main())
