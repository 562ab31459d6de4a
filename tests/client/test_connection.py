"""The client side's shared parts: HOST:PORT parsing, and the layer rule (the console and ``run`` share the client, prompt_toolkit stays out)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from simulator.client.connection import parse_peer


def test_client_and_transcript_do_not_import_the_console() -> None:
    code = ("import sys, simulator.client, simulator.faces.run; "
            "print(sorted({m for m in sys.modules if m.startswith("
            "('simulator.faces.console', 'simulator.faces.shell', 'prompt_toolkit'))}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1:2525", ("127.0.0.1", 2525)), ("localhost", ("localhost", 25)),
    ("[::1]:25", ("::1", 25)), ("[::1]", ("::1", 25)),
])
def test_parse_peer(text: str, expected: tuple[str, int]) -> None:
    assert parse_peer(text) == expected


@pytest.mark.parametrize("text", ["host:port", ":25", "h:0", "h:70000"])
def test_parse_peer_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_peer(text)
