"""Testing a token: every way it can end is one sentence, never the token."""

from __future__ import annotations

import httpx
import pytest
import respx

from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, Sandbox, SandboxTransport
from hubevents_gui.hubspot.settings import SANDBOX_URL, ConnectionSettings
from hubevents_gui.hubspot.token_check import ConnectionCheckError, check_token

BASE = "https://api.hubapi.com"
INFO = BASE + "/oauth/v2/private-apps/get/access-token-info"
TOKEN = "pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def test_the_sandbox_token_can_write() -> None:
    info = check_token(
        ConnectionSettings(base_url=SANDBOX_URL), DEFAULT_TOKEN, SandboxTransport(Sandbox())
    )
    assert info["can_write"]
    assert info["portal_id"] == 12345678


@respx.mock
@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>a login page</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
    ],
)
def test_a_200_that_is_not_token_info_ends_in_a_message(answer: httpx.Response) -> None:
    respx.post(INFO).mock(return_value=answer)
    with pytest.raises(ConnectionCheckError, match="not HubSpot's token information"):
        check_token(ConnectionSettings(), TOKEN)


@respx.mock
def test_a_refused_token_names_the_status_and_never_the_token() -> None:
    respx.post(INFO).mock(
        return_value=httpx.Response(
            401, json={"category": "INVALID_AUTHENTICATION", "message": f"bad token {TOKEN}"}
        )
    )
    with pytest.raises(ConnectionCheckError) as raised:
        check_token(ConnectionSettings(), TOKEN)
    assert str(raised.value).startswith("HTTP 401 INVALID_AUTHENTICATION")
    assert TOKEN not in str(raised.value)


@respx.mock
def test_an_unreachable_address_names_it() -> None:
    respx.post(INFO).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ConnectionCheckError, match=f"cannot reach {BASE}"):
        check_token(ConnectionSettings(), TOKEN)
