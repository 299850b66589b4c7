"""Testing a token: every way it can end is one sentence, never the token."""

from __future__ import annotations

import re

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from hubevents_gui.core.redaction import redact
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, Sandbox, SandboxTransport
from hubevents_gui.hubspot.settings import SANDBOX_URL, ConnectionSettings
from hubevents_gui.hubspot.token_check import (
    ConnectionCheckError,
    TokenFormatError,
    check_token,
    clean_token,
)

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
    with pytest.raises(ConnectionCheckError) as raised:
        check_token(ConnectionSettings(), TOKEN)
    assert str(raised.value) == "Could not reach api.hubapi.com: the connection was refused."


def test_a_closed_port_is_said_in_a_sentence() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        with pytest.raises(ConnectionCheckError) as raised:
            check_token(ConnectionSettings(base_url=f"http://127.0.0.1:{port}"), TOKEN)
    assert str(raised.value) == f"Could not reach 127.0.0.1:{port}: the connection was refused."


_TOKEN_CHARS = st.characters(codec="utf-8")


@given(st.text(_TOKEN_CHARS, min_size=0, max_size=40))
def test_a_token_is_plain_printable_ascii_or_refused_by_position(typed: str) -> None:
    try:
        token = clean_token(typed)
    except TokenFormatError as exc:
        message = str(exc)
        inner = typed.strip()
        if len(inner) >= 12:  # (a short one may be a word of the message itself)
            assert inner not in message  # never the token
        assert message == "the token is empty" or " at position " in message
        return
    assert token == typed.strip()
    assert all("!" <= ch <= "~" for ch in token)


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("pat-na1-abc\ndef", "a line break at position 12 of 15"),
        ("pat-na1-\u200babc", "an invisible character (U+200B) at position 9"),
        ("pat-na1-ab c", "a space at position 11"),
        ("pat-na1-ab\xa0c", "a special space (U+00A0)"),
        ("pat-na1-é", "a character outside plain ASCII (U+00E9)"),
    ],
)
def test_what_a_paste_brings_along_is_named_with_its_position(typed: str, named: str) -> None:
    with pytest.raises(TokenFormatError, match=re.escape(named)):
        clean_token(typed)


def test_whitespace_around_a_token_is_trimmed() -> None:
    assert clean_token(" \tpat-na1-ok\r\n") == "pat-na1-ok"


@pytest.mark.parametrize("token", ["pat-na1-abc\ndef", "pat-na1-é\u200b", "pat na1/+&"])
def test_redaction_covers_escaped_and_encoded_forms(token: str) -> None:
    import json
    from urllib.parse import quote

    for form in (token, repr(token), json.dumps(token), quote(token, safe=""), ascii(token)):
        text = f"Illegal header value b'Bearer {form}' sent"
        redacted = redact(text, token)
        assert "[token]" in redacted, form
        assert form.strip("'\"") not in redacted


def test_the_engine_refuses_a_bad_token_before_sending_anything() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"results": []})

    with pytest.raises(TokenFormatError, match="line break at position 12"):
        UpsertEngine(
            ConnectionSettings(), "pat-na1-abc\ndef", transport=httpx.MockTransport(handler)
        )
    assert sent == []
