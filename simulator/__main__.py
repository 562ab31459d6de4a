"""``python -m simulator`` does what ``smtp-sim`` does."""

import sys

from .cli import main

sys.exit(main())
