"""The HubSpot token in the OS keyring: get, set, clear, and whether the keyring is secure.

The token lives only here (or, where no secure keyring exists, in memory for one session): never
in settings, logs, result files, autosave or exception text. No Qt here.
"""

from __future__ import annotations

import logging
from types import ModuleType

SERVICE = "hubevents"
ACCOUNT = "hubspot-token"

log = logging.getLogger("hubevents.credentials")


class KeyringUnavailableError(Exception):
    """No secure keyring took the token; the message says which backend there is (never the
    token)."""


def _keyring() -> ModuleType:
    # imported on first use: keyring's import and backend discovery cost a tenth of a second,
    # which the window's start should not pay
    import keyring
    import keyring.errors

    return keyring


def backend_name() -> str:
    backend = _keyring().get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def secure_backend() -> bool:
    """True when tokens would go to a real OS keyring, not a plaintext file or nowhere."""
    backend = _keyring().get_keyring()
    name = backend_name()
    if name.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        return False
    if name.startswith("keyring.backends.chainer"):
        return bool(getattr(backend, "backends", None))
    try:
        return float(getattr(backend, "priority", 0)) > 0
    except Exception:  # noqa: BLE001 - a backend's priority may probe the OS and fail
        return False


def get_token() -> str | None:
    """The saved token, or None (nothing saved, or no keyring to ask)."""
    keyring = _keyring()
    try:
        return keyring.get_password(SERVICE, ACCOUNT) or None
    except keyring.errors.KeyringError as exc:
        log.warning("the keyring could not be read: %s", type(exc).__name__)
        return None


def set_token(token: str) -> None:
    """Save the token; KeyringUnavailableError when no secure keyring takes it (the caller says so
    and keeps it in memory)."""
    keyring = _keyring()
    if not secure_backend():
        raise KeyringUnavailableError(f"no secure keyring on this computer ({backend_name()})")
    try:
        keyring.set_password(SERVICE, ACCOUNT, token)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailableError(f"the keyring refused it: {type(exc).__name__}") from None


def clear_token() -> None:
    keyring = _keyring()
    try:
        keyring.delete_password(SERVICE, ACCOUNT)
    except keyring.errors.PasswordDeleteError:
        pass  # nothing was saved
    except keyring.errors.KeyringError as exc:
        log.warning("the keyring could not be cleared: %s", type(exc).__name__)
