"""The sandbox's rate limits: a rolling window of requests per token and a daily count,
answered with HubSpot's X-HubSpot-RateLimit-* headers and 429 bodies."""

from __future__ import annotations

import math
import uuid
from collections import deque

from hubevents_gui.hubspot.sandbox.config import SandboxConfig, SandboxResponse


class RateWindow:
    """Not thread-safe on its own: the sandbox calls it under its lock."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.windows: dict[str, deque[float]] = {}
        self.daily: dict[str, int] = {}

    def admit(self, token: str, now: float) -> dict[str, str] | SandboxResponse:
        """The headers for an admitted request (counted), or the 429 that refuses it."""
        config = self.config
        daily_used = self.daily.get(token, 0)
        window = self.windows.setdefault(token, deque())
        if config.rate_limit is not None:
            horizon = now - config.rate_interval_ms / 1000
            while window and window[0] <= horizon:
                window.popleft()
            if len(window) >= config.rate_limit:
                wait = window[0] + config.rate_interval_ms / 1000 - now
                extra = (
                    {"Retry-After": str(max(1, math.ceil(wait)))}
                    if config.faults.retry_after
                    else {}
                )
                return self._refused(
                    "ten_secondly_rolling",
                    "TEN_SECONDLY_ROLLING",
                    {**self._headers(len(window), daily_used), **extra},
                )
        if daily_used >= config.daily_limit:
            return self._refused("daily", "DAILY", self._headers(len(window), daily_used))
        if config.rate_limit is not None:
            window.append(now)
        self.daily[token] = daily_used + 1
        return self._headers(len(window), daily_used + 1)

    @staticmethod
    def _refused(name: str, policy: str, headers: dict[str, str]) -> SandboxResponse:
        return SandboxResponse(
            429,
            {
                "status": "error",
                "message": f"You have reached your {name} limit.",
                "errorType": "RATE_LIMIT",
                "category": "RATE_LIMITS",
                "correlationId": str(uuid.uuid4()),
                "policyName": policy,
            },
            headers,
        )

    def _headers(self, used: int, daily_used: int) -> dict[str, str]:
        config = self.config
        headers = {
            "X-HubSpot-RateLimit-Daily": str(config.daily_limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, config.daily_limit - daily_used)),
        }
        if config.rate_limit is not None:
            headers.update(
                {
                    "X-HubSpot-RateLimit-Max": str(config.rate_limit),
                    "X-HubSpot-RateLimit-Remaining": str(max(0, config.rate_limit - used)),
                    "X-HubSpot-RateLimit-Interval-Milliseconds": str(config.rate_interval_ms),
                }
            )
        return headers
