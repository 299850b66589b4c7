"""One small typed wrapper over QSettings: everything the app remembers, and nothing secret.

The token never comes here (it lives in the OS keyring). Tests pass a temporary file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QSettings

from hubevents_gui.core.zones import local_zone_name
from hubevents_gui.hubspot.settings import (
    HUBSPOT_URL,
    MAX_BATCH_SIZE,
    MAX_CONCURRENCY,
    NEWEST_VERSION,
    ConnectionSettings,
)

MAX_RECENT = 8


class AppSettings:
    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, "hubevents", "hubevents"
            )
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        self._qs.sync()

    def close(self) -> None:
        """Write what is pending and destroy the QSettings now, on the calling (GUI) thread,
        rather than wherever the garbage collector meets it; nothing is read or set after."""
        self._qs.sync()
        shiboken6.delete(self._qs)

    # ---------------------------------------------------------------- typed helpers

    def _str(self, key: str, default: str) -> str:
        value = self._qs.value(key, default)
        return str(value) if value is not None else default

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        try:
            value = int(str(self._qs.value(key, default)))
        except (TypeError, ValueError):
            return default
        return min(high, max(low, value))

    def _bool(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) else None

    # ---------------------------------------------------------------- window

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    @staticmethod
    def _columns_of(file: Path | None) -> str:
        # widths belong to one file's columns (another file's Start may hold an offset);
        # the path goes in as a digest: settings keys cannot hold every character a path can
        name = str(file.resolve()) if file is not None else ""
        return "columns/" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def column_width(self, file: Path | None, column_key: str) -> int | None:
        """The width the user gave a column of ``file`` (None: never resized by hand)."""
        value = self._qs.value(f"{self._columns_of(file)}/{column_key}")
        try:
            return int(str(value)) if value is not None else None
        except (TypeError, ValueError):
            return None

    def set_column_width(self, file: Path | None, column_key: str, width: int) -> None:
        self._qs.setValue(f"{self._columns_of(file)}/{column_key}", width)

    # ---------------------------------------------------------------- files

    @property
    def recent_files(self) -> list[str]:
        value = self._qs.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(v) for v in value][:MAX_RECENT]

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        recent = [text, *(r for r in self.recent_files if r != text)][:MAX_RECENT]
        self._qs.setValue("files/recent", recent)
        self._qs.setValue("files/last_folder", str(Path(text).parent))

    @property
    def last_folder(self) -> str:
        return self._str("files/last_folder", str(Path.home()))

    # ---------------------------------------------------------------- reading

    @property
    def timezone(self) -> str:
        return self._str("import/timezone", "") or local_zone_name()

    @timezone.setter
    def timezone(self, value: str) -> None:
        self._qs.setValue("import/timezone", value)

    @property
    def day_first(self) -> bool:
        return self._bool("import/day_first", False)

    @day_first.setter
    def day_first(self, value: bool) -> None:
        self._qs.setValue("import/day_first", value)

    @property
    def theme(self) -> str:
        """View > Theme: "system", "light" or "dark"."""
        return self._str("view/theme", "system")

    @theme.setter
    def theme(self, value: str) -> None:
        self._qs.setValue("view/theme", value)

    @staticmethod
    def _headers_key(headers: Sequence[str]) -> str:
        digest = hashlib.sha1("\x1f".join(headers).encode(), usedforsecurity=False).hexdigest()
        return f"mappings/{digest[:16]}"

    def mapping_for(self, headers: Sequence[str]) -> list[str | None] | None:
        """The mapping the user confirmed for a file with exactly these headers."""
        raw = self._qs.value(self._headers_key(headers))
        if not raw:
            return None
        try:
            mapping = json.loads(str(raw))
        except ValueError:
            return None
        if not isinstance(mapping, list) or len(mapping) != len(headers):
            return None
        return [m if isinstance(m, str) else None for m in mapping]

    def remember_mapping(self, headers: Sequence[str], mapping: Sequence[str | None]) -> None:
        self._qs.setValue(self._headers_key(headers), json.dumps(list(mapping)))

    # ---------------------------------------------------------------- connection

    @property
    def use_sandbox(self) -> bool:
        return self._bool("connection/sandbox", True)

    @use_sandbox.setter
    def use_sandbox(self, value: bool) -> None:
        self._qs.setValue("connection/sandbox", value)

    @property
    def connection(self) -> ConnectionSettings:
        """Where runs go and how (the sandbox or not is ``use_sandbox``); never the token."""
        return ConnectionSettings(
            base_url=self._str("connection/base_url", HUBSPOT_URL) or HUBSPOT_URL,
            api_version=self._str("connection/api_version", NEWEST_VERSION) or NEWEST_VERSION,
            batch_size=self._int("connection/batch_size", MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE),
            concurrency=self._int("connection/concurrency", 4, 1, MAX_CONCURRENCY),
        )

    @connection.setter
    def connection(self, value: ConnectionSettings) -> None:
        self._qs.setValue("connection/base_url", value.base_url)
        self._qs.setValue("connection/api_version", value.api_version)
        self._qs.setValue("connection/batch_size", value.batch_size)
        self._qs.setValue("connection/concurrency", value.concurrency)
