"""Where the app keeps its files: the per-user data folder (platformdirs)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir


def data_dir() -> Path:
    return Path(user_data_dir("hubevents", appauthor=False))
