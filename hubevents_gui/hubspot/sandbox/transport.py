"""The sandbox in process: an httpx transport that answers from a Sandbox, no socket at all."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from hubevents_gui.hubspot.sandbox.routes import Sandbox


class SandboxTransport(httpx.BaseTransport):
    def __init__(self, sandbox: Sandbox, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sandbox = sandbox
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        answer = self.sandbox.handle(request.method, str(request.url), headers, body)
        if answer.delay:
            self._sleep(answer.delay)
        if answer.dropped:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            answer.status,
            headers={"Content-Type": "application/json;charset=utf-8", **answer.headers},
            content=answer.content(),
            request=request,
        )
