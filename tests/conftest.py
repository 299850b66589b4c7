"""Shared test set-up: offscreen Qt, and nothing of the user's (settings, keyring) touched."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest

# before anything imports Qt
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_ACCESSIBILITY", "0")

REPO = Path(__file__).resolve().parent.parent
#: HubSpot's API notes and OpenAPI specs: beside a developer's checkout and CI's, never in a clone
SHARED = REPO.parent / "shared"


_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches past this machine: a name or address other than loopback is refused at
    once, as an unreachable network would be (respx's mocks answer before any socket)."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK and host is not None:
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on loopback, not {host}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def _own_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no registered token: one test's short made-up token would
    otherwise be redacted from every later test's text."""
    from hubevents_gui.core import redaction

    monkeypatch.setattr(redaction, "_SECRETS", set())


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point every per-user folder (settings, data, keyring files) at a temporary one."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    # a keyring backend that lives in memory: never the user's real keyring
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
