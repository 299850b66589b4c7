"""What a failed connection says: a sentence naming the address, never an exception's name."""

from __future__ import annotations

import logging

import httpx
import pytest

from hubevents_gui.core.redaction import TokenRedactor
from hubevents_gui.hubspot.errors import network_sentence

URL = "https://api.hubapi.com"


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "the connection was refused."),
        (
            httpx.ConnectError("[Errno -2] Name or service not known"),
            "Could not find api.hubapi.com: check the address",
        ),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "its certificate was not accepted",
        ),
        (httpx.ConnectError("[Errno 101] Network is unreachable"), "the network is unreachable"),
        (httpx.ConnectError("something else"), "Could not reach api.hubapi.com."),
        (httpx.ConnectTimeout("timed out"), "Could not reach api.hubapi.com: it did not answer"),
        (httpx.ReadTimeout("timed out"), "api.hubapi.com did not answer in time."),
        (httpx.RemoteProtocolError("Server disconnected"), "was closed before it answered"),
        (httpx.ReadError("reset"), "was closed before it answered"),
        (httpx.ProxyError("407"), "The proxy refused the connection"),
        (httpx.UnsupportedProtocol("ftp"), "The connection to api.hubapi.com failed."),
    ],
)
def test_each_way_a_connection_fails_is_a_sentence(exc: Exception, said: str) -> None:
    sentence = network_sentence(exc, URL)
    assert said in sentence
    assert type(exc).__name__ not in sentence
    assert sentence.endswith(".")


def test_a_port_in_the_address_is_named() -> None:
    sentence = network_sentence(httpx.ConnectError("Connection refused"), "http://127.0.0.1:8799")
    assert sentence == "Could not reach 127.0.0.1:8799: the connection was refused."


def test_log_records_lose_the_token_in_their_arguments_and_tracebacks() -> None:
    token = "pat-na1-secret"
    redactor = TokenRedactor(token)
    try:
        raise ValueError(f"Illegal header value b'Bearer {token}'")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "hubevents", logging.ERROR, __file__, 1, "failed: %s (%r)",
            (token, {"token": token}), sys.exc_info(),
        )  # fmt: skip
    assert redactor.filter(record)
    text = logging.Formatter().format(record)
    assert token not in text
    assert text.count("[token]") >= 3  # the message, its arguments and the traceback
