"""Where the console keeps its history and settings, and how it reads and writes them.

The directory is ``platformdirs.user_data_dir("smtp-sim")``; the environment variable
``SMTP_SIM_HOME`` overrides it, so tests (and portable setups) never touch the real home.
A broken or unwritable settings file never stops the console: it falls back to defaults.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Final

from simulator.client.home import history_file, read_state, update_json
from simulator.lessons.load import LANGS

HOME_VARIABLE: Final = "SMTP_SIM_HOME"
SETTINGS_FILE: Final = "settings.json"
HISTORY_FILE: Final = "history"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the console remembers between runs."""

    lang: str = LANGS[0]


def data_dir() -> Path:
    """The console's data directory (not created here)."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override)
    import platformdirs  # lazy: only the console needs it

    return Path(platformdirs.user_data_dir("smtp-sim", appauthor=False))


def history_path() -> Path:
    """The prompt history file; its directory is created so prompt_toolkit can append.
    OSError when what is there is not a file to read back (see ``home.history_file``)."""
    directory = data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    return history_file(directory / HISTORY_FILE)


def load_settings() -> Settings:
    """The saved settings, or the defaults when there are none or they cannot be read."""
    try:
        raw = read_state(data_dir() / SETTINGS_FILE)
    except (OSError, ValueError):
        return Settings()
    settings = Settings()
    if isinstance(raw, dict) and raw.get("lang") in LANGS:
        settings = replace(settings, lang=str(raw["lang"]))
    return settings


def save_settings(settings: Settings) -> bool:
    """Write the settings; False (and nothing raised) when the directory is not writable.

    Under the file's lock, so a setting another process saved meanwhile (or a newer
    version's key) is kept: only this process's own fields change."""
    def merged(current: object) -> dict[str, object]:
        kept = dict(current) if isinstance(current, dict) else {}
        return {**kept, **asdict(settings)}

    try:
        update_json(data_dir() / SETTINGS_FILE, merged)
    except OSError:
        return False
    return True


def choose_lang(requested: str | None) -> str:
    """``--lang`` wins; else the saved setting; else English."""
    if requested in LANGS:
        return str(requested)
    return load_settings().lang
