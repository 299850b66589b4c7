"""Where the window's upserts go: the sandbox, or HubSpot with its settings and a token."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from hubevents_gui.hubspot.settings import SANDBOX_URL, ConnectionSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx


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

    def wire(
        self, sandbox: Callable[[], httpx.BaseTransport]
    ) -> tuple[str, httpx.BaseTransport | None]:
        """The token to send and the transport to send it through: the sandbox's own (made by
        ``sandbox``), or HubSpot's network with the token held here (the caller checked there
        is one)."""
        if self.sandbox:
            from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN

            return DEFAULT_TOKEN, sandbox()
        assert self.token is not None
        return self.token, None
