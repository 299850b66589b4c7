"""What the app asks of the desktop (show a folder) and says of what it runs on (the versions
the log and the About box give)."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def versions_line() -> str:
    """Python, PySide6, Qt and the system, as the log and the About box give them."""
    import PySide6
    from PySide6.QtCore import qVersion

    return (
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, Qt {qVersion()}, "
        f"{platform.system()} {platform.release()}"
    )


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the desktop's file manager (made first if need be); False when the
    desktop cannot."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
