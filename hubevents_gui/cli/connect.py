"""Where a command's requests go: HubSpot with a token, or the sandbox that remembers.

``--sandbox`` keeps the simulated portal in the data folder, so commands see each other's work
(an upsert, then a pull, then a preview), as they would on HubSpot.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from hubevents_gui.cli.common import UsageError, token_for
from hubevents_gui.core.paths import data_dir
from hubevents_gui.hubspot.settings import HUBSPOT_URL, SANDBOX_URL, ConnectionSettings

#: the sandbox's portal, shared by every ``--sandbox`` command of this user
SANDBOX_STATE = "sandbox-state.json"


@dataclass
class Target:
    settings: ConnectionSettings
    token: str
    transport: httpx.BaseTransport | None


def sandbox_state() -> Path:
    return data_dir() / SANDBOX_STATE


def connection_settings(args: argparse.Namespace) -> ConnectionSettings:
    """Where ``args`` send (--sandbox, --base-url, --api-version), with their --batch-size and
    --concurrency when the command has them."""
    base = ConnectionSettings(
        base_url=SANDBOX_URL if args.sandbox else args.base_url or HUBSPOT_URL,
        api_version=args.api_version,
    )
    sizes = {n: getattr(args, n) for n in ("batch_size", "concurrency") if hasattr(args, n)}
    return replace(base, **sizes)


def connect(args: argparse.Namespace, settings: ConnectionSettings | None = None) -> Target:
    """The connection ``args`` ask for (--sandbox, --base-url, --api-version, --token-env)."""
    where = connection_settings(args)
    settings = replace(
        settings or ConnectionSettings(), base_url=where.base_url, api_version=where.api_version
    )
    if not args.sandbox:
        return Target(settings, token_for(args), None)
    from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, Sandbox, SandboxTransport, StateError

    state = sandbox_state()
    try:
        state.parent.mkdir(parents=True, exist_ok=True)
        sandbox = Sandbox.demo(state_file=state)
    except (StateError, OSError) as exc:
        # a StateError names the file itself; an OSError (the folder) is said here
        why = str(exc) if isinstance(exc, StateError) else f"{state}: {exc.strerror or exc}"
        raise UsageError(
            f"the sandbox's portal cannot be used: {why}; delete the file to start afresh"
        ) from None
    return Target(settings, DEFAULT_TOKEN, SandboxTransport(sandbox))
