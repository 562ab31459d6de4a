"""The user's data directory, shared by every face that keeps something between runs.

``platformdirs.user_data_dir("smtp-sim")``, or ``SMTP_SIM_HOME`` when set (tests and portable
setups). Writes are atomic: a temporary file in the same directory, flushed to disk, then
renamed over the old one, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Final

HOME_VARIABLE: Final = "SMTP_SIM_HOME"
SETTINGS_FILE: Final = "settings.json"


def data_dir() -> Path:
    """The data directory (not created here)."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("smtp-sim", appauthor=False))


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once; raises OSError when it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def saved_lang(langs: tuple[str, ...]) -> str | None:
    """The language the console saved (``:lang``), if any and known."""
    try:
        raw = json.loads((data_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    lang = raw.get("lang") if isinstance(raw, dict) else None
    return lang if lang in langs else None
