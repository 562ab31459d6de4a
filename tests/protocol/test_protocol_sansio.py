"""The engine stays sans-IO: no trio, prompt_toolkit, socket or clock in simulator/protocol."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

FORBIDDEN = {"trio", "prompt_toolkit", "socket", "asyncio", "time", "selectors", "threading"}
PROTOCOL = Path(__file__).parent.parent / "simulator" / "protocol"


def test_protocol_sources_import_nothing_that_does_io() -> None:
    found = []
    for path in PROTOCOL.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert found == []


def test_importing_the_engine_loads_no_io_library() -> None:
    code = ("import sys, simulator.protocol; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'trio', 'prompt_toolkit'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
