"""Where the window's upserts go: the sandbox, or HubSpot with its settings and a token."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hubevents_gui.hubspot.settings import SANDBOX_URL, ConnectionSettings


@dataclass
class Connection:
    """Where upserts go: the sandbox, or HubSpot with these settings and a token (held here in
    memory only)."""

    sandbox: bool = True
    settings: ConnectionSettings = field(default_factory=ConnectionSettings)
    token: str | None = field(default=None, repr=False)
    #: the token is only in memory (no secure keyring, or not saved)
    session_only: bool = False

    def engine_settings(self) -> ConnectionSettings:
        return replace(self.settings, base_url=SANDBOX_URL) if self.sandbox else self.settings
