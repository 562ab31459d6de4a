"""The engine stays sans-IO at run time too: importing it loads no I/O library.

The static rule (no such import in simulator/protocol, even indirectly) is import-linter's
contract, checked by tests/test_layers.py and .ci/run."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_engine_loads_no_io_library() -> None:
    code = ("import sys, simulator.protocol; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'trio', 'prompt_toolkit'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
