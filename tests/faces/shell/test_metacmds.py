"""The console's own commands as they run: what ``:b64`` shows."""

from __future__ import annotations

import io

from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.meta import parse_meta
from simulator.faces.shell.metacmds import run_meta


async def test_b64_encodes_with_nul_and_decodes() -> None:
    out = io.StringIO()
    ctx = ConsoleContext(lang="en", out=out)
    await run_meta(ctx, parse_meta(r":b64 \0student\0secret"))
    await run_meta(ctx, parse_meta(":b64 -d VXNlcm5hbWU6"))
    await run_meta(ctx, parse_meta(":b64 -d not*base64"))
    shown = out.getvalue()
    assert r"base64 of \0student\0secret: AHN0dWRlbnQAc2VjcmV0" in shown
    assert "VXNlcm5hbWU6 is base64 for: Username:" in shown
    assert "not*base64 is not valid base64" in shown
    assert "base64 is an encoding, not encryption" in shown
