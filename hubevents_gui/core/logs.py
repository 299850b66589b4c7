"""The app's log: a rotating file in the data folder's ``logs`` (warnings and errors by default,
everything with ``--debug``), and the same on stderr. Every token the process has sent is
redacted from each record before it is written (core.redaction), whichever library logged it.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.redaction import SecretsFilter

LOG_FILE = "hubevents.log"
#: a file's size before it is rotated, and the older files kept (5 MB in all at most)
MAX_BYTES = 1_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"


def log_folder() -> Path:
    return data_dir() / "logs"


def setup_logging(*, debug: bool = False, folder: Path | None = None) -> Path | None:
    """Log to ``folder`` (default: log_folder()) and stderr; the log file's path, or None when
    the folder cannot be written (then stderr only, said there once)."""
    root = logging.getLogger()
    level = logging.DEBUG if debug else logging.WARNING
    root.setLevel(level)
    close_logging()
    secrets = SecretsFilter()
    # a windowed executable (the bundle's hubevents-gui on Windows) has no stderr at all
    console: logging.Handler = (
        logging.StreamHandler(sys.stderr) if sys.stderr is not None else logging.NullHandler()
    )
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handlers: list[logging.Handler] = [console]
    folder = folder or log_folder()
    path: Path | None = folder / LOG_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        assert path is not None
        written = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        written.setFormatter(logging.Formatter(FORMAT))
        handlers.append(written)
    except OSError as exc:
        console.handle(
            logging.makeLogRecord(
                {"levelno": logging.WARNING, "levelname": "WARNING", "name": "hubevents",
                 "msg": f"no log file: {folder} cannot be written ({exc.strerror or exc})"}
            )
        )  # fmt: skip
        path = None
    for handler in handlers:
        handler.setLevel(level)
        handler.addFilter(secrets)
        handler.hubevents = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # the libraries' chatter stays out unless asked for
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
    return path


def close_logging() -> None:
    """Remove and close the handlers setup_logging added (the app's end)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "hubevents", False)]:
        root.removeHandler(handler)
        handler.close()
